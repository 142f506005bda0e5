package dev.wharf.server.internal.store;

import dev.wharf.journal.Journal;
import dev.wharf.journal.JournalStats;
import dev.wharf.journal.PreparedTransaction;
import dev.wharf.journal.RecordInfo;
import dev.wharf.journal.RecoveredJournal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Journal} in memory for tests: futures complete at once, on the caller's thread. It
 * can be closed and opened again, which recovers what was live (a broker restart). Thread-safe
 * (synchronized).
 */
public final class InMemoryJournal implements Journal {

    private final Map<Long, RecordInfo> live = new LinkedHashMap<>();
    private final Map<Long, List<Runnable>> staged = new HashMap<>();
    private final Map<Long, PreparedTransaction> prepared = new LinkedHashMap<>();
    private long highestId;
    private boolean open;
    private long records;
    private long durableOperations;

    @Override
    public synchronized RecoveredJournal open() {
        if (open) {
            throw new IllegalStateException("already open");
        }
        open = true;
        staged.clear();
        return new RecoveredJournal(new ArrayList<>(live.values()), new ArrayList<>(prepared.values()), highestId, 0);
    }

    /** Live records (for assertions). */
    public synchronized List<RecordInfo> liveRecords() {
        return new ArrayList<>(live.values());
    }

    /** How many operations asked to be forced (durable = true), for assertions. */
    public synchronized long durableOperations() {
        return durableOperations;
    }

    private void counted(boolean durable) {
        if (durable) {
            durableOperations++;
        }
    }

    /** Live records of one type. */
    public synchronized long count(byte type) {
        return live.values().stream().filter(r -> r.type() == type).count();
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("journal is not open");
        }
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return bytes;
    }

    private void seen(long id) {
        highestId = Math.max(highestId, id);
        records++;
    }

    private static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    private static CompletableFuture<Void> fail(String message) {
        return CompletableFuture.failedFuture(new IllegalArgumentException(message));
    }

    @Override
    public synchronized CompletableFuture<Void> add(long id, byte type, ByteBuffer payload, boolean durable) {
        checkOpen();
        counted(durable);
        seen(id);
        if (live.containsKey(id)) {
            return fail("record " + id + " is already live");
        }
        live.put(id, new RecordInfo(id, type, copy(payload)));
        return done();
    }

    @Override
    public synchronized CompletableFuture<Void> update(long id, byte type, ByteBuffer payload, boolean durable) {
        checkOpen();
        counted(durable);
        seen(id);
        if (!live.containsKey(id)) {
            return fail("record " + id + " is not live");
        }
        live.put(id, new RecordInfo(id, type, copy(payload)));
        return done();
    }

    @Override
    public synchronized CompletableFuture<Void> delete(long id, boolean durable) {
        checkOpen();
        counted(durable);
        if (live.remove(id) == null) {
            return fail("record " + id + " is not live");
        }
        return done();
    }

    @Override
    public synchronized CompletableFuture<Void> addTransactional(long txId, long id, byte type, ByteBuffer payload) {
        checkOpen();
        seen(txId);
        seen(id);
        RecordInfo r = new RecordInfo(id, type, copy(payload));
        staged.computeIfAbsent(txId, t -> new ArrayList<>()).add(() -> live.put(id, r));
        return done();
    }

    @Override
    public synchronized CompletableFuture<Void> updateTransactional(long txId, long id, byte type, ByteBuffer payload) {
        return addTransactional(txId, id, type, payload);
    }

    @Override
    public synchronized CompletableFuture<Void> deleteTransactional(long txId, long id) {
        checkOpen();
        seen(txId);
        staged.computeIfAbsent(txId, t -> new ArrayList<>()).add(() -> live.remove(id));
        return done();
    }

    @Override
    public synchronized CompletableFuture<Void> prepare(long txId, ByteBuffer data, boolean durable) {
        checkOpen();
        counted(durable);
        prepared.put(txId, new PreparedTransaction(txId, copy(data), List.of(), List.of()));
        return done();
    }

    @Override
    public synchronized CompletableFuture<Void> commit(long txId, boolean durable) {
        checkOpen();
        counted(durable);
        List<Runnable> ops = staged.remove(txId);
        if (ops != null) {
            ops.forEach(Runnable::run);
        }
        prepared.remove(txId);
        return done();
    }

    @Override
    public synchronized CompletableFuture<Void> rollback(long txId, boolean durable) {
        checkOpen();
        counted(durable);
        staged.remove(txId);
        prepared.remove(txId);
        return done();
    }

    @Override
    public synchronized JournalStats stats() {
        return new JournalStats(records, 0, 0, live.size(), 0, 0);
    }

    @Override
    public synchronized void close() {
        open = false;
    }
}
