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
