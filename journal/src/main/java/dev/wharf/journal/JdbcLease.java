package dev.wharf.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive lock of a JDBC store: a row {@code (NAME, OWNER, EXPIRES_AT)} in the lease
 * table. The holder renews {@code EXPIRES_AT} (epoch milliseconds, by the holder's
 * {@link Clock}) every third of the time-to-live from a heartbeat thread; a second opener
 * fails (or, with a wait, polls) while the row names another owner and has not expired. If a
 * renewal finds the row taken by someone else, the lease is lost and the listener given to
 * {@link #acquire} is told, once.
 *
 * <p>The brokers of a failover pair must have clocks within a small fraction of the TTL of
 * each other (NTP), since expiry is judged by the clock of whoever reads the row.
 *
 * <p>Thread-safe: renewals run on the lease's own heartbeat thread; {@link #close()} may be
 * called from any thread.
 */
public final class JdbcLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcLease.class);

    private final DataSource dataSource;
    private final String table;
    private final String name;
    private final String owner;
    private final Duration ttl;
    private final Clock clock;
    private final ScheduledExecutorService heartbeat;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean lost = new AtomicBoolean();
    private final Consumer<JournalLockedException> onLost;

    private JdbcLease(DataSource dataSource, String table, String name, String owner, Duration ttl, Clock clock,
                      Consumer<JournalLockedException> onLost) {
        this.dataSource = dataSource;
        this.table = table;
        this.name = name;
        this.owner = owner;
        this.ttl = ttl;
        this.clock = clock;
        this.onLost = onLost;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-jdbc-lease-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The DDL of the lease table named {@code table}. */
    public static String createTableSql(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table
                + " (NAME VARCHAR(64) NOT NULL PRIMARY KEY, OWNER VARCHAR(200) NOT NULL, EXPIRES_AT BIGINT NOT NULL)";
    }

    /**
     * Takes lease {@code name} in {@code table} (which must exist) for {@code owner}, waiting up
     * to {@code wait} for a current holder's lease to expire. Blocks. Starts the heartbeat.
     *
     * @param onLost told (on the heartbeat thread) if a renewal finds the lease taken
     * @throws JournalLockedException if another owner holds a valid lease after {@code wait}
     * @throws JournalException on a database error
     */
    public static JdbcLease acquire(DataSource dataSource, String table, String name, String owner, Duration ttl,
                                    Duration wait, Clock clock, Consumer<JournalLockedException> onLost) {
        Objects.requireNonNull(dataSource, "dataSource");
        if (ttl.toMillis() < 10) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 10 ms)");
        }
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait: " + wait + " (expected: >= 0)");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        boolean logged = false;
        while (true) {
            String holder;
            try {
                holder = tryAcquire(dataSource, table, name, owner, ttl, clock);
            } catch (SQLException e) {
                throw new JournalException("cannot take lease " + name + " in table " + table + ": " + e.getMessage(), e);
            }
            if (holder == null) {
                JdbcLease lease = new JdbcLease(dataSource, table, name, owner, ttl, clock, onLost);
                long period = Math.max(1, ttl.toMillis() / 3);
                lease.heartbeat.scheduleWithFixedDelay(lease::renew, period, period, TimeUnit.MILLISECONDS);
                return lease;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new JournalLockedException("journal database lease " + name + " (table " + table + ") is held by "
                        + holder + ": is another broker running on it?");
            }
            if (!logged) {
                LOG.info("journal lease {} is held by {}; waiting up to {} for it", name, holder, wait);
                logged = true;
            }
            try {
                Thread.sleep(Math.max(10, Math.min(ttl.toMillis() / 4, 500)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JournalLockedException("interrupted while waiting for journal lease " + name);
            }
        }
    }

    /** Returns null if taken, or a description of the current holder. */
    private static String tryAcquire(DataSource ds, String table, String name, String owner, Duration ttl, Clock clock)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                long now = clock.millis();
                String holder = null;
                long expires = 0;
                try (PreparedStatement s = c.prepareStatement("SELECT OWNER, EXPIRES_AT FROM " + table + " WHERE NAME = ? FOR UPDATE")) {
                    s.setString(1, name);
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            holder = rs.getString(1);
                            expires = rs.getLong(2);
                        }
                    }
                }
                if (holder == null) {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (NAME, OWNER, EXPIRES_AT) VALUES (?, ?, ?)")) {
                        s.setString(1, name);
                        s.setString(2, owner);
                        s.setLong(3, now + ttl.toMillis());
                        s.executeUpdate();
                    }
                } else if (holder.equals(owner) || expires < now) {
                    try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET OWNER = ?, EXPIRES_AT = ? WHERE NAME = ?")) {
                        s.setString(1, owner);
                        s.setLong(2, now + ttl.toMillis());
                        s.setString(3, name);
                        s.executeUpdate();
                    }
                    if (!holder.equals(owner) && expires > 0) {
                        LOG.info("journal lease {}: took over from {}, whose lease expired at {}", name, holder, Instant.ofEpochMilli(expires));
                    }
                } else {
                    c.rollback();
                    return holder + " until " + Instant.ofEpochMilli(expires);
                }
                c.commit();
                return null;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void renew() {
        if (closed.get() || lost.get()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET EXPIRES_AT = ? WHERE NAME = ? AND OWNER = ?")) {
                s.setLong(1, clock.millis() + ttl.toMillis());
                s.setString(2, name);
                s.setString(3, owner);
                if (s.executeUpdate() == 0 && !closed.get() && lost.compareAndSet(false, true)) {
                    JournalLockedException e = new JournalLockedException("journal lease " + name + " was taken by another owner"
                            + " while " + owner + " held it (a pause longer than its " + ttl + " time-to-live?)");
                    LOG.error("{}", e.getMessage());
                    onLost.accept(e);
                }
            }
        } catch (SQLException e) {
            // A transient database error: the next renewal retries; the lease lasts ttl.
            LOG.warn("journal lease {}: renewal failed: {}", name, e.getMessage());
        }
    }

    /** The owner id this lease was taken for. */
    public String owner() {
        return owner;
    }

    /** Whether the lease is held (not closed, not lost). */
    public boolean isValid() {
        return !closed.get() && !lost.get();
    }

    /** Stops the heartbeat and releases the row (sets it expired). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        heartbeat.shutdownNow();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET EXPIRES_AT = 0 WHERE NAME = ? AND OWNER = ?")) {
                s.setString(1, name);
                s.setString(2, owner);
                s.executeUpdate();
            }
        } catch (SQLException e) {
            LOG.warn("journal lease {}: cannot release it; it expires within {}", name, ttl, e);
        }
    }
}
