package dev.wharf.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour specific to {@link JdbcJournal}: the lease, and database errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdbcJournalTest {

    @TempDir
    Path dir;

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    private JdbcDataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("db") + ";FILE_LOCK=FS;WRITE_DELAY=0");
        ds.setUser("sa");
        return ds;
    }

    /** H2 keeps commits in memory for 500 ms unless told otherwise; a crash then loses confirmed sends. */
    @Test
    void anH2FileUrlWritesItsCommitsAtOnceUnlessItSaysOtherwise() {
        assertEquals("jdbc:h2:file:/data/wharf;WRITE_DELAY=0", JdbcJournal.durableH2("jdbc:h2:file:/data/wharf"));
        assertEquals("jdbc:h2:/data/wharf;FILE_LOCK=FS;WRITE_DELAY=0", JdbcJournal.durableH2("jdbc:h2:/data/wharf;FILE_LOCK=FS"));
        assertEquals("jdbc:h2:file:/d;write_delay=0", JdbcJournal.durableH2("jdbc:h2:file:/d;write_delay=0"));
        assertEquals("jdbc:h2:file:/d;WRITE_DELAY=100", JdbcJournal.durableH2("jdbc:h2:file:/d;WRITE_DELAY=100"), "asked for, warned about");
        assertEquals("jdbc:h2:mem:test", JdbcJournal.durableH2("jdbc:h2:mem:test"));
        assertEquals("jdbc:postgresql://db/wharf", JdbcJournal.durableH2("jdbc:postgresql://db/wharf"));
    }

    /** Recovery reads payloads block by block as they are reached; every one must come back, in order. */
    @Test
    void recoveryReadsABacklogOfManyBlocksWholeAndInOrder() {
        JdbcDataSource ds = h2();
        java.util.Map<Long, java.nio.ByteBuffer> expected = new java.util.LinkedHashMap<>();
        try (JdbcJournal j = JdbcJournal.builder().dataSource(ds).build()) {
            j.open();
            for (long id = 1; id <= 1000; id++) {
                FileJournalTest.join(j.add(id, (byte) 1, FileJournalTest.payload(id, (int) (id % 97) * 11 + 1), false));
                expected.put(id, FileJournalTest.payload(id, (int) (id % 97) * 11 + 1));
            }
            for (long id = 3; id <= 1000; id += 7) {
                FileJournalTest.join(j.delete(id, false));
                expected.remove(id);
            }
            FileJournalTest.join(j.update(501, (byte) 2, FileJournalTest.payload(5000, 33), true));
            expected.put(501L, FileJournalTest.payload(5000, 33));
        }
        try (JdbcJournal j = JdbcJournal.builder().dataSource(ds).build()) {
            RecoveredJournal r = j.open();
            assertEquals(List.copyOf(expected.keySet()), r.records().stream().map(RecordInfo::id).toList(), "order");
            FileJournalTest.assertSameRecords(expected, r);
            assertEquals(2, r.records().stream().filter(ri -> ri.id() == 501).findFirst().orElseThrow().type(), "updated type");
        }
    }

    @Test
    void secondOwnerIsLockedOutUntilTheLeaseExpires() {
        ManualClock clock = new ManualClock();
        JdbcDataSource ds = h2();
        JdbcJournal first = JdbcJournal.builder().dataSource(ds).owner("broker-a").clock(clock)
                .leaseTtl(Duration.ofHours(1)).build();
        first.open();
        JdbcJournal second = JdbcJournal.builder().dataSource(ds).owner("broker-b").clock(clock)
                .leaseTtl(Duration.ofHours(1)).build();
        JournalLockedException e = assertThrows(JournalLockedException.class, second::open);
        assertTrue(e.getMessage().contains("broker-a") && e.getMessage().contains("another broker"), e.getMessage());
        // broker-a stops renewing (it hangs, as far as the database can tell); an hour later b takes over.
        clock.millis.addAndGet(Duration.ofHours(1).toMillis() + 1);
        JdbcJournal third = JdbcJournal.builder().dataSource(ds).owner("broker-b").clock(clock)
                .leaseTtl(Duration.ofHours(1)).build();
        third.open();
        third.close();
        first.close();
    }

    @Test
    void leaseReleasedOnCloseLetsTheNextOwnerInAtOnce() {
        JdbcDataSource ds = h2();
        JdbcJournal a = JdbcJournal.builder().dataSource(ds).owner("a").build();
        a.open();
        FileJournalTest.join(a.add(1, (byte) 0, ByteBuffer.allocate(3), true));
        a.close();
        try (JdbcJournal b = JdbcJournal.builder().dataSource(ds).owner("b").build()) {
            assertEquals(1, b.open().records().size());
        }
    }

    @Test
    void databaseErrorFailsLaterOperationsWithTheSameException() throws Exception {
        JdbcDataSource ds = h2();
        try (JdbcJournal j = JdbcJournal.builder().dataSource(ds).build()) {
            j.open();
            FileJournalTest.join(j.add(1, (byte) 0, ByteBuffer.allocate(3), true));
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE WHARF_RECORDS");
            }
            Throwable first = assertThrows(CompletionException.class,
                    () -> FileJournalTest.join(j.add(2, (byte) 0, ByteBuffer.allocate(3), true))).getCause();
            assertInstanceOf(JournalException.class, first);
            Throwable later = assertThrows(CompletionException.class,
                    () -> FileJournalTest.join(j.delete(1, true))).getCause();
            assertEquals(first, later);
        }
    }
}
