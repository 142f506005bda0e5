package dev.wharf.journal.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One open segment file: its id, path, channel and size. The channel is shared: the writer
 * thread appends to the current segment and the compactor reads sealed bytes with positional
 * reads (which {@link FileChannel} allows concurrently). {@code writePosition} is written and
 * read by the writer thread only.
 */
public final class Segment {
    private final long id;
    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final boolean compacted;
    long writePosition;

    public Segment(long id, Path path, FileChannel channel, long size, boolean compacted, long writePosition) {
        this.id = id;
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.compacted = compacted;
        this.writePosition = writePosition;
    }

    public long id() {
        return id;
    }

    public Path path() {
        return path;
    }

    public FileChannel channel() {
        return channel;
    }

    public long size() {
        return size;
    }

    public boolean compacted() {
        return compacted;
    }

    public long writePosition() {
        return writePosition;
    }

    public void writePosition(long p) {
        writePosition = p;
    }

    public long remaining() {
        return size - writePosition;
    }

    public String name() {
        return path.getFileName().toString();
    }

    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a file we only read or already forced: nothing to lose.
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
