package dev.wharf.journal.internal;

import dev.wharf.journal.JournalCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a {@link JournalState} from the segment files of a directory, repairing what a
 * crash can leave behind and refusing what only corruption can explain.
 *
 * <p>Not thread-safe: runs once, on the thread calling {@code open()}, before the writer starts.
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /**
     * What recovery produced. The index's records carry no payload: it is read from
     * {@code mapped} (each file's read-only mapping, by segment id) at the record's location, so
     * that recovery never holds every payload at once.
     */
    public record Result(JournalState state, List<Segment> segments, long truncatedBytes,
                         java.util.Map<Long, ByteBuffer> mapped) {

        /** The payload of the record at {@code loc}, copied out of its file's mapping. */
        public byte[] payloadAt(Loc loc) {
            return RecordFormat.payload(mapped.get(loc.fileId()), (int) loc.offset());
        }
    }

    private final SegmentFiles files;

    public Recovery(SegmentFiles files) {
        this.files = files;
    }

    public Result run() throws IOException {
        // 1. Files written aside and never renamed into place belong to an interrupted
        //    pre-allocation or compaction: they hold nothing that was confirmed.
        for (String n : files.deleteLeftovers()) {
            LOG.info("journal {}: deleted leftover {} of an interrupted pre-allocation or compaction", files.dir(), n);
        }
        // 2. Read every header; a compacted file supersedes every file with a lower id, so files
        //    below the newest compacted one are leftovers of a compaction that crashed after
        //    its commit point (the rename) and before its cleanup.
        List<Long> ids = files.list();
        long newestCompacted = -1;
        long highestFromHeaders = 0;
        List<Boolean> compactedFlags = new ArrayList<>();
        for (long id : ids) {
            ByteBuffer h = readHeader(id);
            boolean compacted = (h.getShort(RecordFormat.FLAGS_OFFSET) & RecordFormat.FLAG_COMPACTED) != 0;
            compactedFlags.add(compacted);
            highestFromHeaders = Math.max(highestFromHeaders, h.getLong(RecordFormat.HIGHEST_ID_OFFSET));
            if (compacted) {
                newestCompacted = id;
            }
        }
        if (newestCompacted > 0) {
            boolean deleted = false;
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i) < newestCompacted) {
                    LOG.info("journal {}: deleted {}, superseded by compacted {}", files.dir(),
                            SegmentFiles.name(ids.get(i)), SegmentFiles.name(newestCompacted));
                    Files.delete(files.path(ids.get(i)));
                    deleted = true;
                    ids.remove(i);
                    compactedFlags.remove(i);
                    i--;
                }
            }
            if (deleted) {
                files.syncDirectory();
            }
        }
        // 3. Replay every record in order. Only the last file may end in a torn write.
        JournalState state = new JournalState();
        state.seenId(highestFromHeaders);
        List<Segment> segments = new ArrayList<>();
        java.util.Map<Long, ByteBuffer> mapped = new java.util.HashMap<>();
        long truncated = 0;
        try {
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i);
                boolean last = i == ids.size() - 1;
                Segment seg = files.open(id, 0, compactedFlags.get(i));
                segments.add(seg);
                state.addFile(id);
                truncated += scan(seg, state, last, mapped);
            }
        } catch (IOException | RuntimeException e) {
            segments.forEach(Segment::close);
            throw e;
        }
        return new Result(state, segments, truncated, mapped);
    }

    private ByteBuffer readHeader(long id) throws IOException {
        String name = SegmentFiles.name(id);
        try (FileChannel ch = files.opener().open(files.path(id), StandardOpenOption.READ)) {
            if (ch.size() < RecordFormat.HEADER_LENGTH) {
                throw new JournalCorruptedException("journal file " + files.path(id) + " is " + ch.size()
                        + " bytes long, shorter than its " + RecordFormat.HEADER_LENGTH + "-byte header");
            }
            ByteBuffer h = SegmentFiles.readFully(ch, 0, RecordFormat.HEADER_LENGTH);
            int magic = h.getInt(RecordFormat.MAGIC_OFFSET);
            if (magic != RecordFormat.MAGIC) {
                throw new JournalCorruptedException(String.format("bad magic in %s at offset 0: found 0x%08x, expected 0x%08x",
                        files.path(id), magic, RecordFormat.MAGIC));
            }
            short version = h.getShort(RecordFormat.VERSION_OFFSET);
            if (version != RecordFormat.VERSION) {
                throw new JournalCorruptedException("unsupported format version in " + files.path(id) + " at offset "
                        + RecordFormat.VERSION_OFFSET + ": found " + version + ", expected " + RecordFormat.VERSION);
            }
            int stored = h.getInt(RecordFormat.HEADER_CRC_OFFSET);
            int computed = RecordFormat.headerCrc(h);
            if (stored != computed) {
                throw new JournalCorruptedException(String.format("header crc mismatch in %s at offset %d: stored 0x%08x, computed 0x%08x",
                        files.path(id), RecordFormat.HEADER_CRC_OFFSET, stored, computed));
            }
            long fileId = h.getLong(RecordFormat.FILE_ID_OFFSET);
            if (fileId != id) {
                throw new JournalCorruptedException("file id mismatch in " + files.path(id) + " at offset "
                        + RecordFormat.FILE_ID_OFFSET + ": header says " + fileId + ", name says " + name);
            }
            return h;
        }
    }

    /**
     * Replays one file into {@code state} and sets its write position to the end of its valid
     * records. Returns the bytes cut from a torn tail (last file only).
     */
    private long scan(Segment seg, JournalState state, boolean last, java.util.Map<Long, ByteBuffer> mapped)
            throws IOException {
        long size = seg.size();
        if (size > Integer.MAX_VALUE) {
            throw new JournalCorruptedException("journal file " + seg.path() + " is " + size + " bytes, more than 2 GiB");
        }
        ByteBuffer buf = seg.channel().map(FileChannel.MapMode.READ_ONLY, 0, size);
        mapped.put(seg.id(), buf);
        int limit = (int) size;
        int pos = RecordFormat.HEADER_LENGTH;
        String damage = null;
        while (pos < limit) {
            if (limit - pos < 4) {
                damage = firstNonZero(buf, pos, limit) < 0 ? null : "a partial length field";
                break;
            }
            int length = buf.getInt(pos + RecordFormat.LENGTH_OFFSET);
            if (length == 0) {
                // Pre-allocated zeros: the end of the data, provided nothing follows.
                int nz = firstNonZero(buf, pos, limit);
                if (nz >= 0) {
                    damage = "zero length field followed by non-zero bytes at " + nz;
                }
                break;
            }
            if (length < RecordFormat.RECORD_HEADER_LENGTH || length > limit - pos) {
                damage = "record length " + length + " out of bounds (expected: " + RecordFormat.RECORD_HEADER_LENGTH
                        + ".." + (limit - pos) + ")";
                break;
            }
            int stored = buf.getInt(pos + RecordFormat.CRC_OFFSET);
            int computed = RecordFormat.recordCrc(buf, pos, length);
            if (stored != computed) {
                damage = String.format("crc mismatch: stored 0x%08x, computed 0x%08x", stored, computed);
                break;
            }
            byte kind = buf.get(pos + RecordFormat.KIND_OFFSET);
            if (!RecordFormat.isValidKind(kind)) {
                damage = "unknown record kind " + kind;
                break;
            }
            apply(buf, pos, length, kind, new Loc(seg.id(), pos, length), state);
            pos += length;
        }
        seg.writePosition(pos);
        if (damage == null) {
            return 0;
        }
        if (!last) {
            throw new JournalCorruptedException("journal file " + seg.path() + " is corrupted at offset " + pos + ": " + damage
                    + "; it is not the last file, so this is not a torn write: restore the directory from a backup"
                    + " or move the file away to accept losing its records");
        }
        // 4. A torn tail: cut it and zero it, so the file again reads as records then zeros.
        int end = lastNonZero(buf, pos, limit) + 1;
        long cut = Math.max(0, end - pos);
        SegmentFiles.zero(seg.channel(), pos, Math.max(end, pos));
        seg.channel().force(false);
        LOG.warn("journal file {}: torn tail at offset {} ({}): cut {} bytes; they were never confirmed (a crash during a write)",
                seg.path(), pos, damage, cut);
        return cut;
    }

    private static void apply(ByteBuffer buf, int pos, int length, byte kind, Loc loc, JournalState state) {
        long id = buf.getLong(pos + RecordFormat.ID_OFFSET);
        long txId = buf.getLong(pos + RecordFormat.TX_ID_OFFSET);
        byte type = buf.get(pos + RecordFormat.USER_TYPE_OFFSET);
        state.recordWritten(loc);
        switch (kind) {
            case RecordFormat.ADD -> state.add(id, type, loc);
            case RecordFormat.UPDATE -> state.update(id, type, loc);
            case RecordFormat.DELETE -> state.delete(id);
            case RecordFormat.ADD_TX, RecordFormat.UPDATE_TX -> state.stage(txId, kind, id, type, loc);
            case RecordFormat.DELETE_TX -> state.stage(txId, kind, id, type, loc);
            case RecordFormat.PREPARE -> state.prepare(txId, loc, RecordFormat.payload(buf, pos));
            case RecordFormat.COMMIT -> state.commit(txId);
            case RecordFormat.ROLLBACK -> state.rollback(txId);
            default -> throw new IllegalStateException("unreachable: kind " + kind);
        }
    }

    private static int firstNonZero(ByteBuffer buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf.get(i) != 0) {
                return i;
            }
        }
        return -1;
    }

    private static int lastNonZero(ByteBuffer buf, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (buf.get(i) != 0) {
                return i;
            }
        }
        return from - 1;
    }
}
