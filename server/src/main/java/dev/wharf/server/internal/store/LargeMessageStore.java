package dev.wharf.server.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files that hold the bodies of large messages: {@code <dataDir>/large/<fileId>.msg}, the
 * file id sixteen hex digits. The file holds the body bytes and nothing else, so its length is
 * the body's length; the journal's LARGE_MESSAGE record ({@link StoreRecords}) names the file
 * and its length, and is what makes it a message.
 *
 * <p>Crash contract: a body is written while it arrives and forced, with the directory, before
 * its journal record is appended; the record's force is the commit point of the send. So after
 * a crash every journaled large message has its whole file, and a file no record names is the
 * body of a send that was never confirmed: {@link #recover} deletes it and logs it.
 *
 * <p>Threads: all file I/O (writes of arriving chunks, forces, reads for deliveries, deletes)
 * runs on one thread, {@code wharf-large-io}, through {@link #io()}, so neither Netty's event
 * loops nor the broker thread wait for the disk. Uploads are confined to that thread after
 * {@link #begin}.
 */
public final class LargeMessageStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LargeMessageStore.class);
    static final String SUFFIX = ".msg";
    /** The size of the BODY_CHUNK frames the broker sends. */
    public static final int CHUNK_SIZE = 256 * 1024;

    private final Path dir;
    private final ExecutorService io;
    /** File ids: above every id found at start, and above ids of earlier runs by construction (time-based). */
    private final AtomicLong nextId;

    public LargeMessageStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the large message directory " + dir + ": " + e.getMessage(), e);
        }
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wharf-large-io");
            t.setDaemon(true);
            return t;
        });
        this.nextId = new AtomicLong(System.currentTimeMillis() << 12);
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /** Runs large-message file I/O. */
    public java.util.concurrent.Executor io() {
        return io;
    }

    Path path(long fileId) {
        return dir.resolve(String.format("%016x", fileId) + SUFFIX);
    }

    /**
     * Recovery: keeps the files {@code referenced} names and deletes every other one (the body of a
     * send never confirmed, or of a message whose deletion was journaled). Returns the length of
     * each referenced file that exists. Blocks; call before the broker serves.
     */
    public Map<Long, Long> recover(Set<Long> referenced) {
        Map<Long, Long> found = new HashMap<>();
        long maxId = 0;
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                Long id = parse(name);
                if (id != null && referenced.contains(id)) {
                    found.put(id, Files.size(p));
                    maxId = Math.max(maxId, id);
                } else {
                    LOG.warn("Deleting large message file {} ({} bytes): no journal record refers to it (a send that was"
                            + " never confirmed, or an acknowledged message)", p, Files.size(p));
                    Files.deleteIfExists(p);
                    deleted++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the large message directory " + dir + ": " + e.getMessage(), e);
        }
        long floor = maxId + 1;
        nextId.accumulateAndGet(floor, Math::max);
        if (!found.isEmpty() || deleted > 0) {
            LOG.info("Recovered {} large message bodies in {}; deleted {} orphaned files", found.size(), dir, deleted);
        }
        return found;
    }

    private static Long parse(String name) {
        if (!name.endsWith(SUFFIX) || name.length() != 16 + SUFFIX.length()) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(name.substring(0, 16), 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A body found at recovery. Call on the broker thread. */
    public LargeBody recovered(long fileId, long length) {
        return new LargeBody(this, fileId, length);
    }

    /** Starts receiving a body. Thread-safe; the upload's own methods run on {@link #io()}. */
    public Upload begin() {
        return new Upload(nextId.incrementAndGet());
    }

    /** Deletes a body's file, on the I/O thread. */
    void delete(long fileId) {
        io.execute(() -> {
            try {
                Files.deleteIfExists(path(fileId));
            } catch (IOException e) {
                LOG.warn("Could not delete large message file {}: {}", path(fileId), e.toString());
            }
        });
    }

    /** Reads up to {@code max} bytes of a body from {@code position}; an empty array at the end. On the I/O thread. */
    public static byte[] read(FileChannel ch, long position, int max) throws IOException {
        long left = ch.size() - position;
        int n = (int) Math.max(0, Math.min(max, left));
        ByteBuffer buf = ByteBuffer.allocate(n);
        long at = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) {
                throw new IOException("unexpected end of file at " + at);
            }
            at += r;
        }
        return buf.array();
    }

    /** Reads a whole body into memory (for the small ones a browser shows). Blocks. */
    public byte[] readAll(LargeBody body) {
        if (body.length() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("body of " + body.length() + " bytes does not fit in memory");
        }
        try (FileChannel ch = FileChannel.open(body.path(), StandardOpenOption.READ)) {
            return read(ch, 0, (int) body.length());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read large message file " + body.path() + ": " + e.getMessage(), e);
        }
    }

    /** Stops the I/O thread after what is queued (up to a few seconds). */
    @Override
    public void close() {
        io.shutdown();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One body arriving in chunks. Created on any thread, then used only on the I/O thread:
     * {@link #write} for each chunk, then {@link #finish} or {@link #abort}.
     */
    public final class Upload {
        private final long fileId;
        private FileChannel channel;
        private long written;
        private IOException failure;

        Upload(long fileId) {
            this.fileId = fileId;
        }

        public long fileId() {
            return fileId;
        }

        /** Bytes written so far. */
        public long written() {
            return written;
        }

        /** Appends a chunk; an I/O error is kept and reported by {@link #finish}. */
        public void write(byte[] data) {
            if (failure != null) {
                return;
            }
            try {
                if (channel == null) {
                    channel = FileChannel.open(path(fileId), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    written += channel.write(buf);
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        /**
         * Forces the file and the directory (with {@code force}; a non-persistent message need not
         * survive a crash), and returns the body (held once), or throws. On failure the file is
         * deleted. The force is what lets the journal record that follows be the commit point.
         */
        public LargeBody finish(boolean force) throws IOException {
            try {
                if (failure != null) {
                    throw failure;
                }
                if (channel == null) {
                    channel = FileChannel.open(path(fileId), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
                if (force) {
                    channel.force(true);
                }
                channel.close();
                channel = null;
                if (force) {
                    forceDirectory();
                }
                return new LargeBody(LargeMessageStore.this, fileId, written);
            } catch (IOException e) {
                abort();
                throw new IOException("cannot store large message file " + path(fileId) + ": " + e.getMessage(), e);
            }
        }

        /** Discards what arrived: closes and deletes the file. */
        public void abort() {
            try {
                if (channel != null) {
                    channel.close();
                    channel = null;
                }
                Files.deleteIfExists(path(fileId));
            } catch (NoSuchFileException e) {
                // nothing was written
            } catch (IOException e) {
                LOG.warn("Could not delete the partial large message file {}: {}", path(fileId), e.toString());
            }
        }

        private void forceDirectory() {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // Some platforms cannot open a directory; the file's own force is then all we can do.
                LOG.debug("Could not force directory {}: {}", dir, e.toString());
            }
        }
    }
}
