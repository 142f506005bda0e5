package dev.wharf.jms.message;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Reads a BytesMessage body from its file through a small window, so a body of any size is read
 * with {@link #WINDOW} bytes of heap. {@link #ensure} makes the next bytes available in the
 * window for the typed reads ({@code readInt}, {@code readUTF}...); {@link #read} copies bulk
 * bytes. Not thread-safe (a message is used by one thread at a time).
 */
final class FileBodyReader implements AutoCloseable {

    static final int WINDOW = 64 * 1024;

    private final LargeBodyFile file;
    private final long length;
    private FileChannel channel;
    /** Holds the file's bytes [windowStart, windowStart + window.limit()); position() is the read position. */
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
    private long windowStart;

    FileBodyReader(LargeBodyFile file) {
        this.file = file;
        this.length = file.length();
        window.limit(0);
    }

    long length() {
        return length;
    }

    /** The read position in the body. */
    long position() {
        return windowStart + window.position();
    }

    long remaining() {
        return length - position();
    }

    /** Rewinds to the start. */
    void rewind() {
        windowStart = 0;
        window.clear().limit(0);
    }

    /**
     * Makes at least {@code n} (at most {@link #WINDOW}) bytes readable in the returned buffer at
     * its position, or returns null (position unchanged) if fewer are left.
     */
    ByteBuffer ensure(int n) throws IOException {
        if (window.remaining() >= n) {
            return window;
        }
        if (remaining() < n || n > WINDOW) {
            return null;
        }
        long pos = position();
        window.compact();
        windowStart = pos;
        fill();
        window.flip();
        return window;
    }

    /** Copies up to {@code length} bytes into {@code dst}; -1 at the end. */
    int read(byte[] dst, int length) throws IOException {
        if (remaining() <= 0) {
            return -1;
        }
        int total = 0;
        while (total < length && remaining() > 0) {
            if (!window.hasRemaining()) {
                long pos = position();
                window.clear();
                windowStart = pos;
                fill();
                window.flip();
            }
            int n = Math.min(length - total, window.remaining());
            window.get(dst, total, n);
            total += n;
        }
        return total;
    }

    /** Reads from the file into the window's free space (in write mode), up to its end or the body's end. */
    private void fill() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file.path(), StandardOpenOption.READ);
        }
        long at = windowStart + window.position();
        while (window.hasRemaining() && at < length) {
            int r = channel.read(window, at);
            if (r < 0) {
                throw new IOException("the large message file " + file.path() + " ends at " + at + " of " + length + " bytes");
            }
            at += r;
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // read-only: nothing lost
            }
            channel = null;
        }
    }
}
