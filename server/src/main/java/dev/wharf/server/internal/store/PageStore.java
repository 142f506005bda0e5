package dev.wharf.server.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sequential page files that hold the bodies of messages the broker keeps out of memory while
 * their address is over its {@code max-size-bytes} (policy PAGE). Bodies are appended to the
 * current file, read back by position when the message is delivered, and a file is deleted once
 * every body in it is gone.
 *
 * <p>Page files are not a store of record: a persistent message is also in the journal, a
 * non-persistent one may be lost in a crash. So they are never forced, and the files of an
 * earlier run are deleted at start.
 *
 * <p>Not thread-safe; confined to the broker thread. Reads and writes go to the OS page cache
 * and block the broker thread only when the disk does.
 */
public final class PageStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PageStore.class);

    /** Where one body is. */
    public record Location(int file, long offset, int length) {
    }

    private final Path dir;
    private final long fileSize;
    private final Map<Integer, FileChannel> open = new HashMap<>();
    private final Map<Integer, Integer> live = new HashMap<>();
    private int currentFile;
    private long position;
    private long pagedBodies;
    private long bytesOnDisk;

    /** @param fileSize the size at which a new page file is started */
    public PageStore(Path dir, long fileSize) {
        this.dir = dir;
        this.fileSize = fileSize;
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "page-*.dat")) {
                for (Path p : old) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the paging directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Appends a body; returns where it is. */
    public Location write(byte[] body) {
        try {
            if (currentFile == 0 || position + body.length > fileSize && position > 0) {
                roll();
            }
            FileChannel ch = open.get(currentFile);
            ByteBuffer buf = ByteBuffer.wrap(body);
            long at = position;
            while (buf.hasRemaining()) {
                at += ch.write(buf, at);
            }
            Location l = new Location(currentFile, position, body.length);
            position = at;
            live.merge(currentFile, 1, Integer::sum);
            pagedBodies++;
            bytesOnDisk += body.length;
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to page file " + file(currentFile) + ": " + e.getMessage(), e);
        }
    }

    /** Reads a body back. */
    public byte[] read(Location l) {
        FileChannel ch = open.get(l.file());
        if (ch == null) {
            throw new IllegalStateException("page file " + l.file() + " is gone but still referenced");
        }
        ByteBuffer buf = ByteBuffer.allocate(l.length());
        try {
            long at = l.offset();
            while (buf.hasRemaining()) {
                int n = ch.read(buf, at);
                if (n < 0) {
                    throw new IOException("end of file at " + at);
                }
                at += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read page file " + file(l.file()) + ": " + e.getMessage(), e);
        }
        return buf.array();
    }

    /** A body is no longer needed; its file goes when it holds no more and is not being written. */
    public void release(Location l) {
        int left = live.merge(l.file(), -1, Integer::sum);
        pagedBodies--;
        bytesOnDisk -= l.length();
        if (left <= 0) {
            live.remove(l.file());
            if (l.file() != currentFile) {
                delete(l.file());
            }
        }
    }

    private void roll() throws IOException {
        if (currentFile != 0 && !live.containsKey(currentFile)) {
            delete(currentFile);
        }
        currentFile++;
        position = 0;
        open.put(currentFile, FileChannel.open(file(currentFile), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
    }

    private void delete(int id) {
        FileChannel ch = open.remove(id);
        try {
            if (ch != null) {
                ch.close();
            }
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            LOG.warn("Could not delete page file {}: {}", file(id), e.toString());
        }
    }

    private Path file(int id) {
        return dir.resolve(String.format("page-%06d.dat", id));
    }

    /** Bodies on disk now. */
    public long pagedBodies() {
        return pagedBodies;
    }

    /** Bytes of bodies on disk now. */
    public long bytesOnDisk() {
        return bytesOnDisk;
    }

    /** Page files open now. */
    public int files() {
        return open.size();
    }

    @Override
    public void close() {
        for (Integer id : Map.copyOf(open).keySet()) {
            delete(id);
        }
    }
}
