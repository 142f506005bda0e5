package dev.wharf.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One compaction: the replacement of a <em>prefix</em> of the sealed segments (the oldest
 * files, up to and including file {@code outputId}) by one compacted file holding only what
 * is still needed from them:
 * <ul>
 *   <li>an ADD for every live record created in the prefix, with its latest type and payload
 *       (read from wherever that latest version lies), in the order the records were added;</li>
 *   <li>every staged operation and PREPARE record of a still-open transaction that lies in the
 *       prefix, verbatim and in their original order.</li>
 * </ul>
 * Compacting only prefixes is what makes dropping DELETE records safe: the ADD a DELETE of
 * the prefix cancels is itself in the prefix (or older), so it cannot come back. The compacted
 * file carries the flag {@link RecordFormat#FLAG_COMPACTED} and the id of the last file it
 * replaces; its header's highest id keeps {@code highestId} from going down.
 *
 * <p>Crash contract: the file is written as {@code <outputId>.wj.cmp} and forced; the rename
 * onto {@code <outputId>.wj} is the commit point. Recovery deletes {@code .cmp} leftovers and,
 * after the rename, every file with an id below a compacted file's.
 *
 * <p>Threads: {@link #plan} runs on the writer thread (it reads the index); {@link #write} on
 * the compactor thread (it reads only sealed bytes, by positional reads); the caller swaps
 * the result in on the writer thread.
 */
public final class Compaction {

    /** One record to copy: what to write, where to read its payload, which old locations it replaces. */
    record Item(byte kind, long id, long txId, byte type, Loc source, List<Loc> replaces) {
    }

    private final long outputId;
    private final List<Long> prefix;
    private final long highestId;
    private final List<Item> items;

    private Compaction(long outputId, List<Long> prefix, long highestId, List<Item> items) {
        this.outputId = outputId;
        this.prefix = prefix;
        this.highestId = highestId;
        this.items = items;
    }

    /** The result of {@link #write}: the file written aside and where each old location went. */
    public record Output(Path file, Map<Loc, Loc> remap, int records, long size) {
    }

    public long outputId() {
        return outputId;
    }

    public List<Long> prefix() {
        return prefix;
    }

    /** Snapshots what the prefix {@code prefix} (ascending, starting at the oldest file) still holds. */
    public static Compaction plan(JournalState state, List<Long> prefix) {
        long last = prefix.get(prefix.size() - 1);
        List<Item> items = new ArrayList<>();
        for (LiveRecord r : state.live().values()) {
            if (r.add.fileId() <= last) {
                List<Loc> replaces = new ArrayList<>(2);
                replaces.add(r.add);
                if (r.latest != r.add && r.latest.fileId() <= last) {
                    replaces.add(r.latest);
                }
                items.add(new Item(RecordFormat.ADD, r.id, 0, r.type, r.latest, replaces));
            }
        }
        List<Item> txItems = new ArrayList<>();
        for (TxState tx : state.txs().values()) {
            for (TxState.Op op : tx.ops) {
                if (op.loc.fileId() <= last) {
                    txItems.add(new Item(op.kind, op.id, tx.txId, op.type, op.loc, List.of(op.loc)));
                }
            }
            if (tx.prepareLoc != null && tx.prepareLoc.fileId() <= last) {
                txItems.add(new Item(RecordFormat.PREPARE, 0, tx.txId, (byte) 0, tx.prepareLoc, List.of(tx.prepareLoc)));
            }
        }
        txItems.sort(Comparator.comparingLong((Item i) -> i.source.fileId()).thenComparingLong(i -> i.source.offset()));
        items.addAll(txItems);
        return new Compaction(last, List.copyOf(prefix), state.highestId(), items);
    }

    /**
     * Writes the compacted file aside and forces it. Reads payloads from {@code segments}
     * (id to open segment). Blocks on I/O.
     */
    public Output write(SegmentFiles files, Map<Long, Segment> segments) throws IOException {
        Path tmp = files.dir().resolve(SegmentFiles.name(outputId) + SegmentFiles.COMPACT_SUFFIX);
        Map<Loc, Loc> remap = new HashMap<>();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long pos = 0;
        try (FileChannel out = files.opener().open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer header = RecordFormat.encodeHeader(outputId, highestId, RecordFormat.FLAG_COMPACTED);
            pos += SegmentFiles.writeFully(out, header, 0);
            for (Item item : items) {
                Segment src = segments.get(item.source.fileId());
                if (src == null) {
                    throw new IOException("compaction source file " + SegmentFiles.name(item.source.fileId()) + " is gone");
                }
                ByteBuffer rec = SegmentFiles.readFully(src.channel(), item.source.offset(), item.source.length());
                byte[] payload = RecordFormat.payload(rec, 0);
                int length = RecordFormat.recordLength(payload.length);
                if (length > buf.remaining()) {
                    buf.flip();
                    SegmentFiles.writeFully(out, buf, pos - buf.remaining());
                    buf.clear();
                }
                ByteBuffer target = length > buf.capacity() ? ByteBuffer.allocate(length) : buf;
                RecordFormat.encode(target, item.kind, item.type, item.id, item.txId, payload);
                Loc to = new Loc(outputId, pos, length);
                for (Loc from : item.replaces) {
                    remap.put(from, to);
                }
                pos += length;
                if (target != buf) {
                    target.flip();
                    SegmentFiles.writeFully(out, target, pos - length);
                }
            }
            buf.flip();
            SegmentFiles.writeFully(out, buf, pos - buf.remaining());
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new Output(tmp, remap, items.size(), pos);
    }
}
