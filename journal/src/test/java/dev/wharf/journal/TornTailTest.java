package dev.wharf.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.journal.internal.RecordFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a closed journal the way a crash (or a bad disk) would, and checks what recovery
 * makes of it: damage in the last segment is a torn tail, cut with a valid prefix kept;
 * damage in an older segment is corruption, reported with file and offset.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TornTailTest {
    private static final int SEGMENT = 8 * 1024;
    private static final int RECORDS = 120;

    @TempDir
    Path pristine;

    @TempDir
    Path work;

    /** Where each record lies: its file and the offsets of its first byte and just past its last. */
    record Placed(long id, long file, long start, long end) {
    }

    private final List<Placed> placed = new ArrayList<>();
    private long lastFile;

    @BeforeEach
    void writeJournal() {
        try (FileJournal j = FileJournal.builder(pristine).segmentSize(SEGMENT).compaction(false).build()) {
            j.open();
            long file = 1;
            long pos = RecordFormat.HEADER_LENGTH;
            Random rnd = new Random(7);
            for (long id = 1; id <= RECORDS; id++) {
                int size = 20 + rnd.nextInt(300);
                FileJournalTest.join(j.add(id, (byte) 0, FileJournalTest.payload(id, size), true));
                int length = RecordFormat.recordLength(size);
                if (length > SEGMENT - pos) {
                    file++;
                    pos = RecordFormat.HEADER_LENGTH;
                }
                placed.add(new Placed(id, file, pos, pos + length));
                pos += length;
            }
            lastFile = file;
            assertEquals(lastFile, j.stats().files());
        }
        assertTrue(lastFile >= 3, "want at least 3 segments, got " + lastFile);
    }

    private Path fresh(int i) throws IOException {
        Path d = work.resolve("copy-" + i);
        FileJournalTest.copyDir(pristine, d);
        return d;
    }

    private static Path segment(Path dir, long id) {
        return dir.resolve(String.format("%010d.wj", id));
    }

    private List<Long> idsRecovered(Path d) {
        try (FileJournal j = FileJournal.builder(d).segmentSize(SEGMENT).build()) {
            RecoveredJournal r = j.open();
            return r.records().stream().map(RecordInfo::id).toList();
        }
    }

    /** Ids of the records wholly before {@code offset} of the last file, plus all of older files. */
    private List<Long> expectedBefore(long offset) {
        return placed.stream().filter(p -> p.file < lastFile || p.end <= offset).map(Placed::id).toList();
    }

    @Test
    void truncatingTheLastSegmentAnywhereKeepsEveryRecordBeforeTheCut() throws IOException {
        Random rnd = new Random(11);
        long dataEnd = placed.get(placed.size() - 1).end;
        for (int i = 0; i < 40; i++) {
            Path d = fresh(i);
            long cut = RecordFormat.HEADER_LENGTH + rnd.nextInt((int) (dataEnd - RecordFormat.HEADER_LENGTH + 1));
            try (FileChannel ch = FileChannel.open(segment(d, lastFile), StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            assertEquals(expectedBefore(cut), idsRecovered(d), "cut at " + cut);
            // The repaired journal reopens cleanly and takes new records.
            try (FileJournal j = FileJournal.builder(d).segmentSize(SEGMENT).build()) {
                RecoveredJournal r = j.open();
                assertEquals(0, r.truncatedBytes());
                FileJournalTest.join(j.add(RECORDS + 1, (byte) 0, ByteBuffer.allocate(10), true));
            }
            assertEquals(expectedBefore(cut).size() + 1, idsRecovered(d).size());
        }
    }

    @Test
    void flippingABytesInTheLastSegmentTailKeepsAValidPrefix() throws IOException {
        Random rnd = new Random(13);
        long dataEnd = placed.get(placed.size() - 1).end;
        long firstInLast = placed.stream().filter(p -> p.file == lastFile).findFirst().orElseThrow().start;
        for (int i = 0; i < 60; i++) {
            Path d = fresh(i);
            // Anywhere from the last file's first record to a little past its data (pre-allocated zeros).
            long at = firstInLast + rnd.nextInt((int) (dataEnd - firstInLast + 64));
            flip(segment(d, lastFile), at, rnd);
            List<Long> got;
            try (FileJournal j = FileJournal.builder(d).segmentSize(SEGMENT).build()) {
                RecoveredJournal r = j.open();
                got = r.records().stream().map(RecordInfo::id).toList();
                assertTrue(r.truncatedBytes() > 0, "flip at " + at + " not reported as cut");
            }
            assertEquals(expectedBefore(at), got, "flip at " + at);
        }
    }

    @Test
    void flippingAByteInAnOlderSegmentIsCorruptionNamingFileAndOffset() throws IOException {
        Random rnd = new Random(17);
        for (int i = 0; i < 20; i++) {
            Path d = fresh(i);
            long file = 1 + rnd.nextInt((int) lastFile - 1);
            List<Placed> inFile = placed.stream().filter(p -> p.file == file).toList();
            Placed victim = inFile.get(rnd.nextInt(inFile.size()));
            long at = victim.start + rnd.nextInt((int) (victim.end - victim.start));
            flip(segment(d, file), at, rnd);
            JournalCorruptedException e = assertThrows(JournalCorruptedException.class, () -> idsRecovered(d));
            assertTrue(e.getMessage().contains(segment(d, file).getFileName().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("offset " + victim.start), "expected offset " + victim.start + ": " + e.getMessage());
        }
    }

    @Test
    void garbageAfterTheDataOfAnOlderSegmentIsCorruption() throws IOException {
        Path d = fresh(0);
        flip(segment(d, 1), SEGMENT - 10, new Random(1));
        JournalCorruptedException e = assertThrows(JournalCorruptedException.class, () -> idsRecovered(d));
        assertTrue(e.getMessage().contains("0000000001.wj"), e.getMessage());
    }

    private static void flip(Path file, long at, Random rnd) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            byte old = b.get(0);
            b.put(0, (byte) (old ^ (1 + rnd.nextInt(255))));
            b.rewind();
            ch.write(b, at);
        }
        assertTrue(Files.size(file) > at);
    }
}
