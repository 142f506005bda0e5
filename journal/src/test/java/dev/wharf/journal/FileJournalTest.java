package dev.wharf.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.journal.internal.RecordFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour specific to {@link FileJournal}: segments, compaction, faults, locking. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileJournalTest {
    private static final int SEGMENT = 16 * 1024;

    @TempDir
    Path dir;

    static ByteBuffer payload(long id, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (id + i);
        }
        return ByteBuffer.wrap(b);
    }

    static <T> T join(CompletableFuture<T> f) {
        return f.orTimeout(30, TimeUnit.SECONDS).join();
    }

    static List<String> segmentNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wj")).sorted().toList();
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static Map<Long, byte[]> asMap(RecoveredJournal r) {
        Map<Long, byte[]> m = new LinkedHashMap<>();
        r.records().forEach(ri -> m.put(ri.id(), ri.payload()));
        return m;
    }

    static void assertSameRecords(Map<Long, ByteBuffer> expected, RecoveredJournal r) {
        Map<Long, byte[]> got = asMap(r);
        assertEquals(expected.keySet(), got.keySet());
        expected.forEach((id, p) -> assertEquals(p.duplicate().rewind(), ByteBuffer.wrap(got.get(id)), "payload of " + id));
    }

    @Test
    void segmentFilesAreNamedInOrderAndPreallocated() throws IOException {
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).compaction(false).build()) {
            j.open();
            for (int i = 1; i <= 100; i++) {
                join(j.add(i, (byte) 0, payload(i, 500), false));
            }
            join(j.delete(1, true));
        }
        List<String> names = segmentNames(dir);
        assertTrue(names.size() >= 3, names.toString());
        assertEquals("0000000001.wj", names.get(0));
        for (String n : names) {
            assertEquals(SEGMENT, Files.size(dir.resolve(n)), n);
        }
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).build()) {
            assertEquals(99, j.open().records().size());
        }
    }

    @Test
    void recordLargerThanASegmentIsRejectedAtTheCall() {
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).build()) {
            j.open();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> j.add(1, (byte) 0, ByteBuffer.allocate(SEGMENT), true));
            assertTrue(e.getMessage().contains("segmentSize"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> j.addOwned(1, (byte) 0, new byte[SEGMENT], true));
            assertTrue(e.getMessage().contains("segmentSize"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> j.addTransactionalOwned(9, 1, (byte) 0, new byte[SEGMENT]));
            assertTrue(e.getMessage().contains("segmentSize"), e.getMessage());
            // The largest allowed payload fits (alone in a fresh segment).
            join(j.add(2, (byte) 0, ByteBuffer.allocate(j.maxPayloadSize()), true));
            join(j.add(3, (byte) 0, ByteBuffer.allocate(j.maxPayloadSize()), true));
        }
    }

    @Test
    void compactionShrinksDiskUseAndKeepsLiveRecords() throws Exception {
        Map<Long, ByteBuffer> expected = new HashMap<>();
        int peakFiles = 0;
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).minFiles(2).compactLiveRatio(0.5).build()) {
            j.open();
            long id = 1;
            for (int cycle = 0; cycle < 40; cycle++) {
                List<Long> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++, id++) {
                    join(j.add(id, (byte) 0, payload(id, 200), false));
                    batch.add(id);
                }
                // One survivor per cycle; the rest die.
                expected.put(batch.get(0), payload(batch.get(0), 200));
                for (int i = 1; i < batch.size(); i++) {
                    join(j.delete(batch.get(i), i == batch.size() - 1));
                }
                peakFiles = Math.max(peakFiles, j.stats().files());
            }
            await(() -> j.stats().compactions() > 0, "a compaction");
            // Nudge the writer so it looks again after the last compaction.
            join(j.add(id, (byte) 0, payload(id, 10), true));
            expected.put(id, payload(id, 10));
            assertTrue(j.stats().files() < peakFiles || segmentNames(dir).size() < 40 * 50 * 228 / SEGMENT,
                    "files: " + j.stats());
            assertEquals(expected.size(), j.stats().liveRecords());
        }
        int written = 40 * 50 * 2; // adds and deletes
        assertTrue(segmentNames(dir).size() < written * 228L / SEGMENT / 2, "segments left: " + segmentNames(dir));
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).build()) {
            assertSameRecords(expected, j.open());
        }
    }

    /**
     * Recovery hands out payloads as the caller reaches them (so a backlog bigger than the heap
     * is never held at once); they must read the same after the journal has deleted, compacted
     * and dropped the files they came from.
     */
    @Test
    void recoveredPayloadsReadTheSameAfterTheJournalDroppedTheirFiles() throws Exception {
        Map<Long, ByteBuffer> expected = new LinkedHashMap<>();
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).compaction(false).build()) {
            j.open();
            for (long id = 1; id <= 200; id++) {
                join(j.add(id, (byte) 0, payload(id, 300), false));
                expected.put(id, payload(id, 300));
            }
            join(j.update(7, (byte) 1, payload(1007, 50), true));
            expected.put(7L, payload(1007, 50));
        }
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).minFiles(1).compactLiveRatio(0.9).build()) {
            RecoveredJournal r = j.open();
            List<String> before = segmentNames(dir);
            for (long id = 1; id <= 200; id++) {
                join(j.delete(id, id == 200));
            }
            for (long id = 201; id <= 400; id++) {
                join(j.add(id, (byte) 0, payload(id, 300), id == 400));
            }
            await(() -> {
                try {
                    // All but the one the writer went on with.
                    return segmentNames(dir).stream().filter(before::contains).count() <= 1;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "the recovered files to be dropped");
            assertSameRecords(expected, r);
        }
    }

    @Test
    void preparedTransactionAndHighestIdSurviveCompaction() throws Exception {
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).minFiles(2).compactLiveRatio(0.5).build()) {
            j.open();
            join(j.add(1_000_000, (byte) 0, payload(1, 10), true));
            join(j.addTransactional(900_000, 77, (byte) 4, payload(77, 30)));
            join(j.prepare(900_000, ByteBuffer.wrap("xid".getBytes(StandardCharsets.UTF_8)), true));
            join(j.delete(1_000_000, true));
            for (long id = 1; id <= 2000; id++) {
                join(j.add(id, (byte) 0, payload(id, 100), false));
                join(j.delete(id, false));
            }
            await(() -> j.stats().compactions() >= 2, "two compactions");
        }
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).build()) {
            RecoveredJournal r = j.open();
            assertEquals(List.of(), r.records());
            assertTrue(r.highestId() >= 1_000_000, "highestId " + r.highestId());
            assertEquals(1, r.preparedTransactions().size());
            assertEquals(77, r.preparedTransactions().get(0).records().get(0).id());
            join(j.commit(900_000, true));
        }
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).build()) {
            RecoveredJournal r = j.open();
            assertEquals(List.of(77L), r.records().stream().map(RecordInfo::id).toList());
            assertEquals(List.of(), r.preparedTransactions());
        }
    }

    @Test
    void deleteInALaterFileNeverResurrectsARecordAfterCompaction() throws Exception {
        Map<Long, ByteBuffer> expected = new HashMap<>();
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).minFiles(2).compactLiveRatio(0.6).build()) {
            j.open();
            // Record 1 is added first and deleted much later; record 2 pins the first file.
            join(j.add(1, (byte) 0, payload(1, 100), true));
            join(j.add(2, (byte) 0, payload(2, 100), true));
            expected.put(2L, payload(2, 100));
            long id = 10;
            for (int i = 0; i < 300; i++, id++) {
                join(j.add(id, (byte) 0, payload(id, 100), false));
            }
            join(j.delete(1, true));
            for (long d = 10; d < id; d++) {
                join(j.delete(d, false));
            }
            for (int i = 0; i < 600; i++, id++) {
                join(j.add(id, (byte) 0, payload(id, 100), false));
                join(j.delete(id, false));
            }
            await(() -> j.stats().compactions() >= 1, "a compaction");
            join(j.add(id, (byte) 0, payload(id, 1), true));
            expected.put(id, payload(id, 1));
        }
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).build()) {
            assertSameRecords(expected, j.open());
        }
    }

    @Test
    void recoveryDeletesLeftoversOfAnInterruptedCompaction() throws Exception {
        Map<Long, ByteBuffer> expected = new HashMap<>();
        Path saved = Files.createTempDirectory("saved");
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).compaction(false).build()) {
            j.open();
            for (long id = 1; id <= 600; id++) {
                join(j.add(id, (byte) 0, payload(id, 100), false));
                if (id % 10 != 0) {
                    join(j.delete(id, false));
                } else {
                    expected.put(id, payload(id, 100));
                }
            }
        }
        // Keep a copy of the original first file: a crash after the compaction's rename but
        // before its cleanup leaves such a superseded file behind.
        Files.copy(dir.resolve("0000000001.wj"), saved.resolve("0000000001.wj"));
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).minFiles(1).compactLiveRatio(0.5).build()) {
            j.open();
            join(j.add(10_000, (byte) 0, payload(1, 1), true));
            expected.put(10_000L, payload(1, 1));
            await(() -> j.stats().compactions() >= 1, "a compaction");
        }
        assertFalse(segmentNames(dir).contains("0000000001.wj"), segmentNames(dir).toString());
        Files.copy(saved.resolve("0000000001.wj"), dir.resolve("0000000001.wj"));
        // And a compaction output that was never renamed into place.
        Files.write(dir.resolve("0000000009.wj.cmp"), new byte[] {1, 2, 3});
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).build()) {
            assertSameRecords(expected, j.open());
        }
        assertFalse(segmentNames(dir).contains("0000000001.wj"));
        assertFalse(Files.exists(dir.resolve("0000000009.wj.cmp")));
    }

    @Test
    void ioErrorFailsPendingAndLaterOperationsWithTheSameException() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT)
                .channelOpener((path, options) -> new FaultyFileChannel(FileChannel.open(path, options), broken)).build();
        j.open();
        join(j.add(1, (byte) 0, payload(1, 10), true));
        broken.set(true);
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (long id = 2; id < 50; id++) {
            fs.add(j.add(id, (byte) 0, payload(id, 10), true));
        }
        Throwable first = null;
        for (CompletableFuture<Void> f : fs) {
            CompletionException e = assertThrows(CompletionException.class, () -> join(f));
            assertInstanceOf(JournalException.class, e.getCause());
            if (first == null) {
                first = e.getCause();
            }
            assertSame(first, e.getCause());
        }
        broken.set(false);
        Throwable later = assertThrows(CompletionException.class, () -> join(j.delete(1, true))).getCause();
        assertSame(first, later);
        assertTrue(first.getMessage().contains(dir.toString()), first.getMessage());
        j.close();
        try (FileJournal again = FileJournal.builder(dir).segmentSize(SEGMENT).build()) {
            assertTrue(asMap(again.open()).containsKey(1L));
        }
    }

    @Test
    void lockConflictNamesTheDirectoryAndLockWaitTakesItOverWhenReleased() throws Exception {
        FileLockGuard held = FileLockGuard.acquire(dir);
        JournalLockedException e = assertThrows(JournalLockedException.class,
                () -> FileJournal.builder(dir).build().open());
        assertTrue(e.getMessage().startsWith("journal directory " + dir + " is locked by another process"), e.getMessage());
        assertTrue(e.getMessage().endsWith("is another broker running on it?"), e.getMessage());
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            held.close();
        });
        releaser.start();
        try (FileJournal waiting = FileJournal.builder(dir).lockWait(Duration.ofSeconds(20)).build()) {
            waiting.open();
        }
        releaser.join();
    }

    @Test
    void nonDurableAppendsSkipTheForce() {
        try (FileJournal j = FileJournal.builder(dir).segmentSize(1 << 20).build()) {
            j.open();
            for (long id = 1; id <= 100; id++) {
                join(j.add(id, (byte) 0, payload(id, 10), false));
            }
            assertEquals(0, j.stats().forces());
            join(j.add(101, (byte) 0, payload(101, 10), true));
            assertEquals(1, j.stats().forces());
        }
        try (FileJournal j = FileJournal.builder(dir).build()) {
            assertEquals(101, j.open().records().size());
        }
    }

    @Test
    void aNonDurableOperationIsForcedByTheNextDurableOneEvenWhileTheWriterNaps() {
        try (FileJournal j = FileJournal.builder(dir).segmentSize(1 << 20).build()) {
            j.open();
            for (long id = 1; id <= 50; id++) {
                // The forced add leaves the writer napping: the non-durable delete does not wake
                // it, the next forced add does, and its force covers the delete queued before it.
                join(j.add(id, (byte) 0, payload(id, 10), true));
                CompletableFuture<Void> delete = j.delete(id, false);
                join(j.add(1000 + id, (byte) 0, payload(id, 10), true));
                assertTrue(delete.isDone(), "the delete of " + id + " was queued first and is not done");
            }
            // Alone, with nothing forced after it, a non-durable operation still completes.
            join(j.delete(1050, false));
        }
        try (FileJournal j = FileJournal.builder(dir).build()) {
            assertEquals(49, j.open().records().size());
        }
    }

    @Test
    void headerWithWrongMagicIsCorruption() throws Exception {
        try (FileJournal j = FileJournal.builder(dir).segmentSize(SEGMENT).build()) {
            j.open();
            join(j.add(1, (byte) 0, payload(1, 10), true));
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("0000000001.wj"), java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}), RecordFormat.MAGIC_OFFSET);
        }
        JournalCorruptedException e = assertThrows(JournalCorruptedException.class,
                () -> FileJournal.builder(dir).segmentSize(SEGMENT).build().open());
        assertTrue(e.getMessage().contains("0000000001.wj") && e.getMessage().contains("offset 0"), e.getMessage());
    }

    static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().equals(FileLockGuard.LOCK_FILE)) {
                    Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
