package dev.wharf.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Journal} contract, run against every implementation by a subclass that says how
 * to build one on a directory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class JournalContractTest {

    @TempDir
    Path dir;

    private final List<Journal> opened = new ArrayList<>();

    /** A new, unopened journal stored in {@code dir}. */
    abstract Journal newJournal(Path dir);

    @AfterEach
    void closeAll() {
        opened.forEach(Journal::close);
    }

    Journal journal() {
        Journal j = newJournal(dir);
        opened.add(j);
        return j;
    }

    RecoveredJournal reopen(Journal j) {
        j.close();
        Journal again = journal();
        RecoveredJournal r = again.open();
        current = again;
        return r;
    }

    Journal current;

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static Map<Long, String> asMap(List<RecordInfo> records) {
        Map<Long, String> m = new LinkedHashMap<>();
        for (RecordInfo r : records) {
            m.put(r.id(), new String(r.payload(), StandardCharsets.UTF_8));
        }
        return m;
    }

    static <T> T join(CompletableFuture<T> f) {
        return f.orTimeout(30, TimeUnit.SECONDS).join();
    }

    static Throwable failureOf(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, () -> join(f));
        return e.getCause();
    }

    @Test
    void newJournalRecoversNothing() {
        RecoveredJournal r = journal().open();
        assertEquals(List.of(), r.records());
        assertEquals(List.of(), r.preparedTransactions());
        assertEquals(0, r.highestId());
        assertEquals(0, r.truncatedBytes());
    }

    @Test
    void addUpdateDeleteSurviveReopenInAddOrder() {
        Journal j = journal();
        j.open();
        join(j.add(3, (byte) 1, bytes("three"), true));
        join(j.add(1, (byte) 2, bytes("one"), true));
        join(j.add(2, (byte) 3, bytes("two"), false));
        join(j.update(3, (byte) 7, bytes("three-v2"), true));
        join(j.delete(2, true));
        RecoveredJournal r = reopen(j);
        assertEquals(Map.of(3L, "three-v2", 1L, "one"), asMap(r.records()));
        assertEquals(List.of(3L, 1L), r.records().stream().map(RecordInfo::id).toList());
        assertEquals(7, r.records().get(0).type());
        assertEquals(3, r.highestId());
    }

    @Test
    void payloadIsReadBetweenPositionAndLimitAndMayBeReused() {
        Journal j = journal();
        j.open();
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put("xxabcyy".getBytes(StandardCharsets.UTF_8)).position(2).limit(5);
        CompletableFuture<Void> f = j.add(1, (byte) 0, b, true);
        b.clear().put(new byte[16]);
        join(f);
        assertEquals(Map.of(1L, "abc"), asMap(reopen(j).records()));
    }

    @Test
    void handedOverPayloadsAreStoredAsGivenAndCheckedAtTheCall() {
        Journal j = journal();
        j.open();
        join(j.addOwned(1, (byte) 4, "one".getBytes(StandardCharsets.UTF_8), true));
        join(j.addTransactionalOwned(100, 2, (byte) 5, "two".getBytes(StandardCharsets.UTF_8)));
        join(j.addTransactionalOwned(101, 3, (byte) 5, "rolled back".getBytes(StandardCharsets.UTF_8)));
        join(j.commit(100, true));
        join(j.rollback(101, true));
        assertThrows(NullPointerException.class, () -> j.addOwned(4, (byte) 0, null, true));
        assertThrows(NullPointerException.class, () -> j.addTransactionalOwned(100, 4, (byte) 0, null));
        assertThrows(IllegalArgumentException.class, () -> j.addOwned(-1, (byte) 0, new byte[1], true));
        assertThrows(IllegalArgumentException.class, () -> j.addTransactionalOwned(-5, 4, (byte) 0, new byte[1]));
        assertInstanceOf(IllegalArgumentException.class, failureOf(j.addOwned(1, (byte) 0, new byte[1], true)));
        RecoveredJournal r = reopen(j);
        assertEquals(Map.of(1L, "one", 2L, "two"), asMap(r.records()));
        assertEquals(List.of(4, 5), r.records().stream().map(x -> (int) x.type()).toList());
    }

    @Test
    void addOfLiveIdFailsWithIllegalArgument() {
        Journal j = journal();
        j.open();
        join(j.add(1, (byte) 0, bytes("a"), true));
        assertInstanceOf(IllegalArgumentException.class, failureOf(j.add(1, (byte) 0, bytes("b"), true)));
        assertEquals(Map.of(1L, "a"), asMap(reopen(j).records()));
    }

    @Test
    void updateOrDeleteOfUnknownIdFailsWithIllegalArgument() {
        Journal j = journal();
        j.open();
        assertInstanceOf(IllegalArgumentException.class, failureOf(j.update(9, (byte) 0, bytes("x"), true)));
        assertInstanceOf(IllegalArgumentException.class, failureOf(j.delete(9, true)));
        // The journal keeps working after a rejected operation.
        join(j.add(9, (byte) 0, bytes("x"), true));
    }

    @Test
    void badArgumentsThrowAtTheCall() {
        Journal j = journal();
        assertThrows(IllegalStateException.class, () -> j.add(1, (byte) 0, bytes("early"), true));
        j.open();
        assertThrows(IllegalStateException.class, j::open);
        assertThrows(IllegalArgumentException.class, () -> j.add(-1, (byte) 0, bytes("x"), true));
        assertThrows(NullPointerException.class, () -> j.add(1, (byte) 0, null, true));
        assertThrows(IllegalArgumentException.class, () -> j.addTransactional(-5, 1, (byte) 0, bytes("x")));
        j.close();
        assertThrows(IllegalStateException.class, () -> j.add(1, (byte) 0, bytes("late"), true));
        j.close(); // idempotent
    }

    @Test
    void committedTransactionIsAppliedAtomically() {
        Journal j = journal();
        j.open();
        join(j.add(1, (byte) 0, bytes("one"), true));
        join(j.add(2, (byte) 0, bytes("two"), true));
        join(j.addTransactional(100, 3, (byte) 0, bytes("three")));
        join(j.updateTransactional(100, 1, (byte) 0, bytes("one-tx")));
        join(j.deleteTransactional(100, 2));
        join(j.commit(100, true));
        assertEquals(Map.of(1L, "one-tx", 3L, "three"), asMap(reopen(j).records()));
    }

    @Test
    void rolledBackTransactionLeavesNoTrace() {
        Journal j = journal();
        j.open();
        join(j.add(1, (byte) 0, bytes("one"), true));
        join(j.addTransactional(100, 3, (byte) 0, bytes("three")));
        join(j.deleteTransactional(100, 1));
        join(j.rollback(100, true));
        RecoveredJournal r = reopen(j);
        assertEquals(Map.of(1L, "one"), asMap(r.records()));
        assertEquals(List.of(), r.preparedTransactions());
    }

    @Test
    void unfinishedTransactionIsDroppedOnReopen() {
        Journal j = journal();
        j.open();
        join(j.addTransactional(100, 3, (byte) 0, bytes("three")));
        join(j.add(4, (byte) 0, bytes("four"), true));
        RecoveredJournal r = reopen(j);
        assertEquals(Map.of(4L, "four"), asMap(r.records()));
        assertEquals(List.of(), r.preparedTransactions());
        assertEquals(100, r.highestId());
    }

    @Test
    void commitOrRollbackOfUnknownTransactionIsANoOp() {
        Journal j = journal();
        j.open();
        join(j.commit(77, true));
        join(j.rollback(78, false));
        assertEquals(List.of(), reopen(j).records());
    }

    @Test
    void preparedTransactionIsInDoubtAfterReopenThenCommitApplies() {
        Journal j = journal();
        j.open();
        join(j.add(1, (byte) 0, bytes("one"), true));
        join(j.addTransactional(100, 2, (byte) 5, bytes("two")));
        join(j.deleteTransactional(100, 1));
        join(j.prepare(100, bytes("xid-100"), true));
        RecoveredJournal r = reopen(j);
        assertEquals(Map.of(1L, "one"), asMap(r.records()));
        assertEquals(1, r.preparedTransactions().size());
        PreparedTransaction p = r.preparedTransactions().get(0);
        assertEquals(100, p.txId());
        assertArrayEquals("xid-100".getBytes(StandardCharsets.UTF_8), p.data());
        assertEquals(List.of(new RecordInfo(2, (byte) 5, "two".getBytes(StandardCharsets.UTF_8))), p.records());
        assertEquals(List.of(1L), p.deletedIds());
        // Still in doubt after a second restart.
        r = reopen(current);
        assertEquals(1, r.preparedTransactions().size());
        join(current.commit(100, true));
        r = reopen(current);
        assertEquals(Map.of(2L, "two"), asMap(r.records()));
        assertEquals(List.of(), r.preparedTransactions());
    }

    @Test
    void preparedTransactionRolledBackAfterReopenIsDropped() {
        Journal j = journal();
        j.open();
        join(j.addTransactional(100, 2, (byte) 0, bytes("two")));
        join(j.prepare(100, bytes("xid"), true));
        RecoveredJournal r = reopen(j);
        assertEquals(1, r.preparedTransactions().size());
        join(current.rollback(100, true));
        r = reopen(current);
        assertEquals(List.of(), r.records());
        assertEquals(List.of(), r.preparedTransactions());
    }

    @Test
    void secondOpenerGetsJournalLockedException() {
        Journal j = journal();
        j.open();
        Journal second = journal();
        JournalLockedException e = assertThrows(JournalLockedException.class, second::open);
        assertTrue(e.getMessage().contains("another broker"), e.getMessage());
        j.close();
        // Released on close: a new opener succeeds.
        journal().open();
    }

    @Test
    void concurrentDurableAppendsShareForces() throws Exception {
        Journal j = journal();
        j.open();
        int threads = 16;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long base = (long) t * perThread;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        join(j.add(base + i + 1, (byte) 0, ByteBuffer.allocate(100), true));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        JournalStats s = j.stats();
        assertEquals(threads * perThread, s.records());
        assertEquals(threads * perThread, s.liveRecords());
        double ratio = (double) s.records() / s.forces();
        assertTrue(ratio > 1.0, "records per force: " + ratio + " (" + s + ")");
        assertEquals(threads * perThread, reopen(j).records().size());
    }

    @Test
    void highestIdNeverGoesDown() {
        Journal j = journal();
        j.open();
        join(j.add(500, (byte) 0, bytes("x"), true));
        join(j.delete(500, true));
        RecoveredJournal r = reopen(j);
        assertEquals(List.of(), r.records());
        assertEquals(500, r.highestId());
    }
}
