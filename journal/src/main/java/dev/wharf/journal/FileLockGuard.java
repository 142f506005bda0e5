package dev.wharf.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive lock on a journal directory: an OS file lock ({@link FileChannel#tryLock()})
 * on the file {@code lock} in the directory, held until {@link #close()}. The operating system
 * releases it when the process dies, so a backup broker waiting on it ({@link #acquire(Path,
 * Duration)} with a long wait) takes over as soon as the live broker is gone.
 *
 * <p>The lock file holds, as UTF-8 text, the pid and host of the holder, for the error message
 * a second opener gets; its content is informative only.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, and more than once.
 */
public final class FileLockGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileLockGuard.class);
    /** The name of the lock file inside the journal directory. */
    public static final String LOCK_FILE = "lock";
    private static final long POLL_MILLIS = 100;
    /**
     * Lock files held by this JVM. Checked before opening the file a second time: on POSIX
     * systems, closing any descriptor of a locked file drops the process's lock on it.
     */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private FileLockGuard(Path dir, Path file, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir}, failing at once if another process or another journal in
     * this JVM holds it. Blocks only on the file system.
     *
     * @throws JournalLockedException if the lock is held
     * @throws JournalException if the lock file cannot be created
     */
    public static FileLockGuard acquire(Path dir) {
        return acquire(dir, Duration.ZERO);
    }

    /**
     * Takes the lock of {@code dir}, waiting up to {@code wait} for the holder to release it
     * (polling every 100 ms). Blocks the calling thread while it waits; interrupting it stops
     * the wait with a {@link JournalLockedException}.
     *
     * @throws JournalLockedException if the lock is still held after {@code wait}
     */
    public static FileLockGuard acquire(Path dir, Duration wait) {
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait: " + wait + " (expected: >= 0)");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        Path file = dir.resolve(LOCK_FILE).toAbsolutePath().normalize();
        boolean logged = false;
        while (true) {
            FileChannel ch = null;
            FileLock lock = null;
            if (HELD.add(file)) {
                try {
                    Files.createDirectories(dir);
                    ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    HELD.remove(file);
                    throw new JournalException("cannot open lock file " + file + ": " + e.getMessage(), e);
                }
            }
            if (ch != null) {
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    // Held by another channel of this JVM: the same situation as another process.
                    lock = null;
                } catch (IOException e) {
                    close(ch);
                    HELD.remove(file);
                    throw new JournalException("cannot lock " + file + ": " + e.getMessage(), e);
                }
                if (lock != null) {
                    writeOwner(ch);
                    return new FileLockGuard(dir, file, ch, lock);
                }
                close(ch);
                HELD.remove(file);
            }
            String holder = readOwner(file);
            if (System.nanoTime() - deadline >= 0) {
                throw new JournalLockedException("journal directory " + dir + " is locked by another process"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + ": is another broker running on it?");
            }
            if (!logged) {
                LOG.info("journal directory {} is locked{}; waiting up to {} for it", dir,
                        holder.isEmpty() ? "" : " by " + holder, wait);
                logged = true;
            }
            try {
                Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JournalLockedException("interrupted while waiting for the lock of journal directory " + dir);
            }
        }
    }

    private static void writeOwner(FileChannel ch) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        byte[] text = ("pid " + ProcessHandle.current().pid() + " on " + host + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text), 0);
        } catch (IOException e) {
            LOG.debug("cannot record the lock owner in the lock file", e);
        }
    }

    private static String readOwner(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            return new String(b, 0, Math.min(b.length, 200), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing held.
        }
    }

    /** The locked directory. */
    public Path directory() {
        return dir;
    }

    /** Whether the lock is still held. */
    public boolean isValid() {
        return lock.isValid();
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            LOG.warn("cannot release the lock of journal directory {}", dir, e);
        } finally {
            close(channel);
            HELD.remove(file);
        }
    }
}
