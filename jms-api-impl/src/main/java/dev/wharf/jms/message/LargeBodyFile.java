package dev.wharf.jms.message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary file holding the body of a large message on the client: a BytesMessage whose
 * body outgrew the large message threshold while it was written, or a large message received
 * from the broker. The file is deleted by {@link #delete()} (clearBody, session close), or when
 * this object becomes unreachable (every message and buffered delivery using it is gone), by a
 * {@link Cleaner}.
 *
 * <p>Thread-safe: the length is set once before the file is shared; deletion is idempotent.
 */
public final class LargeBodyFile {
    private static final Logger LOG = LoggerFactory.getLogger(LargeBodyFile.class);
    private static final Cleaner CLEANER = Cleaner.create();

    private final Path path;
    private final Deleter deleter;
    private volatile long length;

    private LargeBodyFile(Path path, Set<Path> owner) {
        this.path = path;
        this.deleter = new Deleter(path, owner);
        if (owner != null) {
            owner.add(path);
        }
        CLEANER.register(this, deleter);
    }

    /**
     * Creates an empty temporary file in {@code java.io.tmpdir}.
     *
     * @param owner a set that lists the file while it exists (its owner deletes what is left when
     *     it closes), or null
     */
    public static LargeBodyFile create(Set<Path> owner) {
        try {
            return new LargeBodyFile(Files.createTempFile("wharf-large-", ".body"), owner);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for a large message body in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** The body's length; set by whoever wrote the file. */
    public long length() {
        return length;
    }

    public void length(long bytes) {
        this.length = bytes;
    }

    /** Deletes the file now. */
    public void delete() {
        deleter.run();
    }

    /** Deletes the files {@code owner} still lists (an owner closing). */
    public static void deleteAll(Set<Path> owner) {
        for (Path p : Set.copyOf(owner)) {
            new Deleter(p, owner).run();
        }
    }

    /** Holds no reference to the LargeBodyFile, so that it can become unreachable. */
    private static final class Deleter implements Runnable {
        private final Path path;
        private final Set<Path> owner;
        private final AtomicBoolean done = new AtomicBoolean();

        Deleter(Path path, Set<Path> owner) {
            this.path = path;
            this.owner = owner;
        }

        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("Could not delete the large message file {}: {}", path, e.toString());
                }
                if (owner != null) {
                    owner.remove(path);
                }
            }
        }
    }
}
