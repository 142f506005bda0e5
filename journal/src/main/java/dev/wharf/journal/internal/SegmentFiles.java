package dev.wharf.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Names, creates and lists segment files. A segment is named by its id in ten zero-padded
 * decimal digits and the suffix {@code .wj} ({@code 0000000001.wj}), so the lexical order is
 * the log order. New files are written aside ({@code .tmp} while pre-allocating, {@code .cmp}
 * while compacting) and renamed into place, so a {@code .wj} file always has a complete header.
 *
 * <p>Thread-safe (stateless apart from the channel opener).
 */
public final class SegmentFiles {
    public static final String SUFFIX = ".wj";
    public static final String TMP_SUFFIX = ".tmp";
    public static final String COMPACT_SUFFIX = ".cmp";

    /** Opens file channels; replaced by tests to inject faults. */
    @FunctionalInterface
    public interface ChannelOpener {
        FileChannel open(Path path, StandardOpenOption... options) throws IOException;
    }

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(256 * 1024);

    private final Path dir;
    private final ChannelOpener opener;

    public SegmentFiles(Path dir, ChannelOpener opener) {
        this.dir = dir;
        this.opener = opener;
    }

    public Path dir() {
        return dir;
    }

    public ChannelOpener opener() {
        return opener;
    }

    public static String name(long id) {
        return String.format(Locale.ROOT, "%010d%s", id, SUFFIX);
    }

    public Path path(long id) {
        return dir.resolve(name(id));
    }

    /** Ids of the {@code .wj} files in the directory, ascending. */
    public List<Long> list() throws IOException {
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.endsWith(SUFFIX) && n.length() == 10 + SUFFIX.length()) {
                    try {
                        ids.add(Long.parseLong(n.substring(0, 10)));
                    } catch (NumberFormatException ignored) {
                        // Not ours.
                    }
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    /** Deletes files left by an interrupted pre-allocation or compaction; returns their names. */
    public List<String> deleteLeftovers() throws IOException {
        List<String> deleted = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.endsWith(SUFFIX + TMP_SUFFIX) || n.endsWith(SUFFIX + COMPACT_SUFFIX)) {
                    Files.deleteIfExists(p);
                    deleted.add(n);
                }
            }
        }
        if (!deleted.isEmpty()) {
            syncDirectory();
        }
        return deleted;
    }

    /**
     * Creates segment {@code id}: header, then zeros up to {@code size}, forced, renamed into
     * place. Returns it open for writing just after the header.
     */
    public Segment create(long id, long size, long highestId) throws IOException {
        return activate(preallocate(id, size), id, size, highestId);
    }

    /**
     * Writes {@code <id>.wj.tmp}: a header and zeros up to {@code size}, forced. It stays a
     * {@code .tmp} file (deleted by recovery) until {@link #activate}. Blocks on I/O; any thread.
     */
    public Path preallocate(long id, long size) throws IOException {
        Path tmp = dir.resolve(name(id) + TMP_SUFFIX);
        try (FileChannel ch = opener.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(ch, RecordFormat.encodeHeader(id, 0, (short) 0), 0);
            zero(ch, RecordFormat.HEADER_LENGTH, size);
            ch.force(true);
        }
        return tmp;
    }

    /**
     * Makes a pre-allocated file segment {@code id}: writes its final header (with the highest
     * id seen so far, which must be durable before any older file can be deleted) and forces
     * it, then renames it into place. Returns it open for writing just after the header.
     */
    public Segment activate(Path tmp, long id, long size, long highestId) throws IOException {
        try (FileChannel ch = opener.open(tmp, StandardOpenOption.WRITE)) {
            writeFully(ch, RecordFormat.encodeHeader(id, highestId, (short) 0), 0);
            ch.force(false);
        }
        Path target = path(id);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory();
        FileChannel ch = opener.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(id, target, ch, size, false, RecordFormat.HEADER_LENGTH);
    }

    /** Opens an existing segment for reading and writing. */
    public Segment open(long id, long writePosition, boolean compacted) throws IOException {
        Path p = path(id);
        FileChannel ch = opener.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(id, p, ch, ch.size(), compacted, writePosition);
    }

    /** Writes zeros over [from, to) of {@code ch}. */
    public static void zero(FileChannel ch, long from, long to) throws IOException {
        long pos = from;
        while (pos < to) {
            ByteBuffer z = ZEROS.duplicate();
            z.limit((int) Math.min(z.capacity(), to - pos));
            pos += writeFully(ch, z, pos);
        }
    }

    /** Writes all of {@code buf} at {@code position}; returns the bytes written. */
    public static int writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        int n = buf.remaining();
        long p = position;
        while (buf.hasRemaining()) {
            p += ch.write(buf, p);
        }
        return n;
    }

    /** Reads {@code length} bytes at {@code position} into a new heap buffer. */
    public static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        long p = position;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) {
                throw new IOException("unexpected end of file at " + p + " (wanted " + length + " bytes from " + position + ")");
            }
            p += r;
        }
        b.flip();
        return b;
    }

    /** Forces the directory entry changes (renames, deletes) to disk. */
    public void syncDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the rename is still atomic there.
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }
}
