package dev.wharf.journal.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The in-memory index of a file journal: live records (in the order their ids were first
 * added), open transactions, and per-file counters (records written, and <em>pins</em>: how
 * many locations of live records, staged operations and PREPARE records lie in the file).
 * A file with no pins holds only history; compaction uses the ratio pins/records.
 *
 * <p>The apply methods are lenient (an ADD of a live id replaces it, an UPDATE of an unknown
 * id creates it, a DELETE of an unknown id is ignored) because recovery replays whatever
 * compaction left; the writer validates before it calls them.
 *
 * <p>Not thread-safe: owned by the recovery thread during {@code open()}, then by the writer
 * thread only.
 */
public final class JournalState {

    /** Counters of one segment file. */
    public static final class FileCounters {
        int records;
        int pins;

        public int records() {
            return records;
        }

        public int pins() {
            return pins;
        }
    }

    private final LinkedHashMap<Long, LiveRecord> live = new LinkedHashMap<>();
    private final LinkedHashMap<Long, TxState> txs = new LinkedHashMap<>();
    private final TreeMap<Long, FileCounters> files = new TreeMap<>();
    private long highestId;

    public Map<Long, LiveRecord> live() {
        return live;
    }

    public Map<Long, TxState> txs() {
        return txs;
    }

    public TreeMap<Long, FileCounters> files() {
        return files;
    }

    public long highestId() {
        return highestId;
    }

    public void seenId(long id) {
        if (id > highestId) {
            highestId = id;
        }
    }

    public boolean isLive(long id) {
        return live.containsKey(id);
    }

    public TxState tx(long txId) {
        return txs.get(txId);
    }

    public void addFile(long fileId) {
        files.putIfAbsent(fileId, new FileCounters());
    }

    public void removeFile(long fileId) {
        files.remove(fileId);
    }

    /** Counts one record written to (or found in) {@code loc}'s file. */
    public void recordWritten(Loc loc) {
        files.computeIfAbsent(loc.fileId(), k -> new FileCounters()).records++;
    }

    private void pin(Loc loc) {
        files.computeIfAbsent(loc.fileId(), k -> new FileCounters()).pins++;
    }

    private void unpin(Loc loc) {
        FileCounters c = files.get(loc.fileId());
        if (c != null) {
            c.pins--;
        }
    }

    private void unpinRecord(LiveRecord r) {
        unpin(r.add);
        if (r.latest != r.add) {
            unpin(r.latest);
        }
    }

    public void add(long id, byte type, Loc loc) {
        seenId(id);
        LiveRecord old = live.get(id);
        if (old != null) {
            unpinRecord(old);
        }
        live.put(id, new LiveRecord(id, type, loc));
        pin(loc);
    }

    public void update(long id, byte type, Loc loc) {
        seenId(id);
        LiveRecord r = live.get(id);
        if (r == null) {
            add(id, type, loc);
            return;
        }
        if (r.latest != r.add) {
            unpin(r.latest);
        }
        r.latest = loc;
        r.type = type;
        pin(loc);
    }

    public void delete(long id) {
        seenId(id);
        LiveRecord r = live.remove(id);
        if (r != null) {
            unpinRecord(r);
        }
    }

    public void stage(long txId, byte kind, long id, byte type, Loc loc) {
        seenId(txId);
        seenId(id);
        txs.computeIfAbsent(txId, TxState::new).ops.add(new TxState.Op(kind, id, type, loc));
        pin(loc);
    }

    public void prepare(long txId, Loc loc, byte[] data) {
        seenId(txId);
        TxState tx = txs.computeIfAbsent(txId, TxState::new);
        if (tx.prepareLoc != null) {
            unpin(tx.prepareLoc);
        }
        tx.prepareLoc = loc;
        tx.prepareData = data;
        pin(loc);
    }

    /** Applies the staged operations of {@code txId}; a no-op for an unknown transaction. */
    public void commit(long txId) {
        seenId(txId);
        TxState tx = txs.remove(txId);
        if (tx == null) {
            return;
        }
        for (TxState.Op op : tx.ops) {
            // The op's pin moves to the live record it becomes (or is dropped for a delete).
            unpin(op.loc);
            switch (op.kind) {
                case RecordFormat.ADD_TX -> add(op.id, op.type, op.loc);
                case RecordFormat.UPDATE_TX -> update(op.id, op.type, op.loc);
                default -> delete(op.id);
            }
        }
        if (tx.prepareLoc != null) {
            unpin(tx.prepareLoc);
        }
    }

    /** Discards {@code txId}; a no-op for an unknown transaction. */
    public void rollback(long txId) {
        seenId(txId);
        TxState tx = txs.remove(txId);
        if (tx != null) {
            dropPins(tx);
        }
    }

    private void dropPins(TxState tx) {
        for (TxState.Op op : tx.ops) {
            unpin(op.loc);
        }
        if (tx.prepareLoc != null) {
            unpin(tx.prepareLoc);
        }
    }

    /** Forgets transactions that were never prepared (recovery: the process died before commit). */
    public List<Long> dropUnpreparedTransactions() {
        List<Long> dropped = new ArrayList<>();
        txs.values().removeIf(tx -> {
            if (tx.prepared()) {
                return false;
            }
            dropPins(tx);
            dropped.add(tx.txId);
            return true;
        });
        return dropped;
    }

    /** Forgets the PREPARE data recovery kept (it was handed to the caller). */
    public void releasePrepareData() {
        for (TxState tx : txs.values()) {
            tx.prepareData = null;
        }
    }

    /**
     * Moves every location through {@code remap} (compaction replaced some files), then
     * recounts the pins of every file from scratch.
     */
    public void remap(UnaryOperator<Loc> remap) {
        for (LiveRecord r : live.values()) {
            boolean same = r.latest == r.add;
            r.add = remap.apply(r.add);
            r.latest = same ? r.add : remap.apply(r.latest);
        }
        for (TxState tx : txs.values()) {
            for (TxState.Op op : tx.ops) {
                op.loc = remap.apply(op.loc);
            }
            if (tx.prepareLoc != null) {
                tx.prepareLoc = remap.apply(tx.prepareLoc);
            }
        }
        recountPins();
    }

    /** Recomputes every file's pin count from the index. */
    public void recountPins() {
        for (FileCounters c : files.values()) {
            c.pins = 0;
        }
        for (LiveRecord r : live.values()) {
            pin(r.add);
            if (r.latest != r.add) {
                pin(r.latest);
            }
        }
        for (TxState tx : txs.values()) {
            for (TxState.Op op : tx.ops) {
                pin(op.loc);
            }
            if (tx.prepareLoc != null) {
                pin(tx.prepareLoc);
            }
        }
    }

    /** Total pins and records over {@code fileIds}. */
    public long[] pinsAndRecords(Collection<Long> fileIds) {
        long pins = 0;
        long records = 0;
        for (Long f : fileIds) {
            FileCounters c = files.get(f);
            if (c != null) {
                pins += c.pins;
                records += c.records;
            }
        }
        return new long[] {pins, records};
    }

    /** A map from record id to the live record, for lookups by tests. */
    public Map<Long, LiveRecord> liveView() {
        return new HashMap<>(live);
    }
}
