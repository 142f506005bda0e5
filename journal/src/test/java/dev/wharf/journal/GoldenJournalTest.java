package dev.wharf.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins format version 1: {@code src/test/resources/golden/v1/0000000001.wj} was written by
 * {@link #write(Path)} (run {@link #main} to regenerate it, only with a new format version).
 * Today's code must recover it, and must write the very same bytes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GoldenJournalTest {
    private static final String GOLDEN = "/golden/v1/0000000001.wj";

    @TempDir
    Path dir;

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The operations of the golden journal. */
    static void write(Path dir) {
        try (FileJournal j = FileJournal.builder(dir).segmentSize(4096).compaction(false).build()) {
            j.open();
            j.add(1, (byte) 1, utf8("one"), true).join();
            j.add(2, (byte) 1, utf8("two"), true).join();
            j.add(3, (byte) 1, utf8("three"), false).join();
            j.update(2, (byte) 2, utf8("two-v2"), true).join();
            j.delete(3, true).join();
            j.addTransactional(10, 4, (byte) 3, utf8("four")).join();
            j.deleteTransactional(10, 1).join();
            j.commit(10, true).join();
            j.addTransactional(11, 5, (byte) 3, utf8("five")).join();
            j.prepare(11, utf8("xid-11"), true).join();
            j.addTransactional(12, 6, (byte) 3, utf8("six")).join();
            j.rollback(12, true).join();
            j.addTransactional(13, 7, (byte) 3, utf8("seven")).join();
        }
    }

    public static void main(String[] args) {
        write(Path.of(args[0]));
    }

    private byte[] golden() throws IOException {
        try (InputStream in = GoldenJournalTest.class.getResourceAsStream(GOLDEN)) {
            return in.readAllBytes();
        }
    }

    @Test
    void goldenJournalOfVersion1IsRecovered() throws IOException {
        Files.write(dir.resolve("0000000001.wj"), golden());
        try (FileJournal j = FileJournal.builder(dir).segmentSize(4096).build()) {
            RecoveredJournal r = j.open();
            assertEquals(List.of(
                    new RecordInfo(2, (byte) 2, "two-v2".getBytes(StandardCharsets.UTF_8)),
                    new RecordInfo(4, (byte) 3, "four".getBytes(StandardCharsets.UTF_8))), r.records());
            assertEquals(1, r.preparedTransactions().size());
            PreparedTransaction p = r.preparedTransactions().get(0);
            assertEquals(11, p.txId());
            assertArrayEquals("xid-11".getBytes(StandardCharsets.UTF_8), p.data());
            assertEquals(List.of(new RecordInfo(5, (byte) 3, "five".getBytes(StandardCharsets.UTF_8))), p.records());
            assertEquals(13, r.highestId());
            assertEquals(0, r.truncatedBytes());
        }
    }

    @Test
    void todaysWriterProducesTheGoldenBytes() throws IOException {
        write(dir);
        assertArrayEquals(golden(), Files.readAllBytes(dir.resolve("0000000001.wj")));
    }
}
