package dev.wharf.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Journal} stored in a relational database through JDBC: H2 embedded by default, any
 * database through a {@link DataSource} (HikariCP when built from a URL). Schema: see the
 * package documentation ({@code P} is {@link Builder#tablePrefix}, default {@code WHARF_}):
 * {@code P}RECORDS, {@code P}TX_OPS and {@code P}TRANSACTIONS (prepared transactions only),
 * {@code P}META (highest id) and {@code P}LEASE (the store's lock, see {@link JdbcLease}).
 *
 * <p>Group commit: one writer thread takes every queued operation and applies them in order
 * inside one JDBC transaction, committed once; the commit is the commit point and counts as a
 * "force" in {@link #stats()}. Every operation is durable once its future completes (the
 * {@code durable} flag cannot make it cheaper). Transactions that are neither prepared nor
 * committed live only in memory: their staged operations reach the database with the commit.
 *
 * <p>Errors are reported as by {@link FileJournal}. After a database error, or the loss of the
 * lease, every pending and later future fails with the same {@link JournalException}.
 *
 * <p>Threads: thread-safe. {@code live}, {@code txs}, the statements and the writer's
 * connection are confined to the writer thread; {@code failure} is volatile; {@code closed}
 * is guarded by {@code enqueueLock}.
 */
public final class JdbcJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcJournal.class);
    private static final int MAX_BATCH_OPS = 4096;
    private static final byte[] EMPTY = new byte[0];
    private static final byte ADD = 1;
    private static final byte UPDATE = 2;
    private static final byte DELETE = 3;
    private static final byte ADD_TX = 4;
    private static final byte UPDATE_TX = 5;
    private static final byte DELETE_TX = 6;
    private static final byte PREPARE = 7;
    private static final byte COMMIT = 8;
    private static final byte ROLLBACK = 9;
    private static final byte CLOSE = 0;
    /** H2's error code for a database file held by another process. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    private final DataSource givenDataSource;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private DataSource dataSource;
    private HikariDataSource ownedPool;
    private final String prefix;
    private final String name;
    private final String owner;
    private final Duration leaseTtl;
    private final Runnable onLeaseLost;
    private final Duration lockWait;
    private final Clock clock;
    private final boolean createSchema;
    private final int maxPayload;

    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final ReentrantLock enqueueLock = new ReentrantLock();
    private boolean opened;
    private boolean closed;
    private volatile JournalException failure;
    private JdbcLease lease;
    private Thread writer;

    // Writer-thread state.
    private Connection conn;
    private final Set<Long> live = new HashSet<>();
    private final Map<Long, Tx> txs = new HashMap<>();
    private long nextSeq;
    private long highestId;
    private long storedHighestId;
    private final List<Op> done = new ArrayList<>();

    private volatile long records;
    private volatile long forces;
    private volatile long bytesWritten;
    private volatile long liveRecords;

    private JdbcJournal(Builder b) {
        this.givenDataSource = b.dataSource;
        this.jdbcUrl = b.jdbcUrl == null ? null : durableH2(b.jdbcUrl);
        this.user = b.user;
        this.password = b.password;
        this.prefix = b.tablePrefix;
        this.name = b.name;
        this.owner = b.owner;
        this.leaseTtl = b.leaseTtl;
        this.onLeaseLost = b.onLeaseLost;
        this.lockWait = b.lockWait;
        this.clock = b.clock;
        this.createSchema = b.createSchema;
        this.maxPayload = b.maxPayload;
    }

    /** A builder; give it a JDBC URL ({@link Builder#jdbcUrl}), an H2 directory, or a {@link DataSource}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The DDL this journal runs at open (when {@link Builder#createSchema} is on), for {@code binaryType}. */
    public static List<String> schema(String prefix, String binaryType) {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + prefix + "RECORDS (ID BIGINT NOT NULL PRIMARY KEY, SEQ BIGINT NOT NULL,"
                        + " TYPE SMALLINT NOT NULL, PAYLOAD " + binaryType + " NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + prefix + "TRANSACTIONS (TX_ID BIGINT NOT NULL PRIMARY KEY, DATA " + binaryType + " NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + prefix + "TX_OPS (TX_ID BIGINT NOT NULL, SEQ INT NOT NULL, KIND SMALLINT NOT NULL,"
                        + " ID BIGINT NOT NULL, TYPE SMALLINT NOT NULL, PAYLOAD " + binaryType + " NOT NULL, PRIMARY KEY (TX_ID, SEQ))",
                "CREATE TABLE IF NOT EXISTS " + prefix + "META (NAME VARCHAR(64) NOT NULL PRIMARY KEY, VAL BIGINT NOT NULL)",
                JdbcLease.createTableSql(prefix + "LEASE"));
    }

    @Override
    public RecoveredJournal open() {
        enqueueLock.lock();
        try {
            if (opened) {
                throw new IllegalStateException("journal " + name + " is already open");
            }
            opened = true;
        } finally {
            enqueueLock.unlock();
        }
        try {
            dataSource = givenDataSource != null ? givenDataSource : createPool();
            if (createSchema) {
                try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                    String bin = binaryType(c.getMetaData().getDatabaseProductName());
                    for (String ddl : schema(prefix, bin)) {
                        s.execute(ddl);
                    }
                    if (!c.getAutoCommit()) {
                        c.commit();
                    }
                }
            }
            lease = JdbcLease.acquire(dataSource, prefix + "LEASE", name, owner, leaseTtl, lockWait, clock, this::leaseLost);
            conn = dataSource.getConnection();
            conn.setAutoCommit(false);
            RecoveredJournal recovered = load();
            writer = new Thread(this::runWriter, "wharf-journal-writer-" + name);
            writer.setDaemon(true);
            writer.start();
            LOG.info("journal {} open: {} live records, {} prepared transactions, highest id {}", name,
                    recovered.records().size(), recovered.preparedTransactions().size(), recovered.highestId());
            return recovered;
        } catch (SQLException e) {
            release();
            throw new JournalException("cannot open journal " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    private HikariDataSource createPool() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(3);
        cfg.setMinimumIdle(1);
        cfg.setPoolName("wharf-journal-" + name);
        try {
            ownedPool = new HikariDataSource(cfg);
            return ownedPool;
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                    JournalLockedException locked = new JournalLockedException("journal database " + jdbcUrl
                            + " is locked by another process: is another broker running on it?");
                    locked.initCause(e);
                    throw locked;
                }
            }
            throw new JournalException("cannot connect to journal database " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /**
     * An H2 database on disk keeps commits in memory for half a second by default
     * ({@code WRITE_DELAY}), so a crash would lose sends the broker had confirmed: unless the URL
     * says otherwise, commits are written at once. A URL that asks for a delay is warned about.
     */
    static String durableH2(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:h2:mem:") || lower.startsWith("jdbc:h2:tcp:")
                || lower.startsWith("jdbc:h2:ssl:")) {
            return url;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(";write_delay=(\\d+)").matcher(lower);
        if (!m.find()) {
            LOG.info("journal database {}: adding WRITE_DELAY=0, so that a confirmed send is on disk before it is confirmed", url);
            return url + ";WRITE_DELAY=0";
        }
        if (!m.group(1).equals("0")) {
            LOG.warn("journal database {} delays its writes (WRITE_DELAY={}): a crash loses the sends it confirmed in that time;"
                    + " use WRITE_DELAY=0", url, m.group(1));
        }
        return url;
    }

    private static String binaryType(String product) {
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return "BYTEA";
        }
        if (p.contains("oracle")) {
            return "BLOB";
        }
        if (p.contains("mysql") || p.contains("mariadb")) {
            return "LONGBLOB";
        }
        if (p.equals("h2")) {
            return "VARBINARY(1000000000)";
        }
        return "BLOB";
    }

    private RecoveredJournal load() throws SQLException {
        List<Long> ids = new ArrayList<>();
        List<Byte> types = new ArrayList<>();
        try (PreparedStatement s = conn.prepareStatement("SELECT ID, TYPE, SEQ FROM " + prefix + "RECORDS ORDER BY SEQ")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    ids.add(id);
                    types.add((byte) rs.getShort(2));
                    live.add(id);
                    highestId = Math.max(highestId, id);
                    nextSeq = Math.max(nextSeq, rs.getLong(3) + 1);
                }
            }
        }
        List<RecordInfo> recs = new LazyRecords(ids, types);
        Map<Long, Tx> prepared = new LinkedHashMap<>();
        try (PreparedStatement s = conn.prepareStatement("SELECT TX_ID, DATA FROM " + prefix + "TRANSACTIONS ORDER BY TX_ID")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Tx tx = new Tx(rs.getLong(1));
                    tx.prepared = true;
                    tx.data = rs.getBytes(2);
                    prepared.put(tx.txId, tx);
                    highestId = Math.max(highestId, tx.txId);
                }
            }
        }
        try (PreparedStatement s = conn.prepareStatement("SELECT TX_ID, KIND, ID, TYPE, PAYLOAD FROM " + prefix + "TX_OPS ORDER BY TX_ID, SEQ")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Tx tx = prepared.get(rs.getLong(1));
                    if (tx != null) {
                        tx.ops.add(new Op(rs.getByte(2), rs.getLong(3), tx.txId, (byte) rs.getShort(4), rs.getBytes(5)));
                        highestId = Math.max(highestId, rs.getLong(3));
                    }
                }
            }
        }
        try (PreparedStatement s = conn.prepareStatement("SELECT VAL FROM " + prefix + "META WHERE NAME = 'highest_id'")) {
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    storedHighestId = rs.getLong(1);
                    highestId = Math.max(highestId, storedHighestId);
                }
            }
        }
        conn.commit();
        txs.putAll(prepared);
        liveRecords = live.size();
        List<PreparedTransaction> pts = new ArrayList<>();
        for (Tx tx : prepared.values()) {
            List<RecordInfo> added = new ArrayList<>();
            List<Long> deleted = new ArrayList<>();
            for (Op op : tx.ops) {
                if (op.kind == DELETE_TX) {
                    deleted.add(op.id);
                } else {
                    added.add(new RecordInfo(op.id, op.type, op.payload));
                }
            }
            pts.add(new PreparedTransaction(tx.txId, tx.data, List.copyOf(added), List.copyOf(deleted)));
        }
        return new RecoveredJournal(java.util.Collections.unmodifiableList(recs), List.copyOf(pts), highestId, 0);
    }

    /**
     * The live records recovered (in SEQ order), their payloads read {@link #BLOCK} rows at a
     * time (by id, on a connection of their own) as the caller reaches them, so that a caller going
     * through them in order never holds them all: a backlog bigger than the heap can be
     * recovered and paged. Read before the broker deletes anything; a row gone by then is an error.
     */
    private final class LazyRecords extends java.util.AbstractList<RecordInfo> {
        private static final int BLOCK = 256;
        private final long[] ids;
        private final byte[] types;
        private int blockStart = -1;
        private byte[][] block;

        LazyRecords(List<Long> ids, List<Byte> types) {
            int n = ids.size();
            this.ids = new long[n];
            this.types = new byte[n];
            for (int i = 0; i < n; i++) {
                this.ids[i] = ids.get(i);
                this.types[i] = types.get(i);
            }
        }

        @Override
        public int size() {
            return ids.length;
        }

        @Override
        public RecordInfo get(int index) {
            java.util.Objects.checkIndex(index, ids.length);
            if (blockStart < 0 || index < blockStart || index >= blockStart + block.length) {
                load(index);
            }
            return new RecordInfo(ids[index], types[index], block[index - blockStart]);
        }

        private void load(int from) {
            int to = Math.min(from + BLOCK, ids.length);
            byte[][] payloads = new byte[to - from][];
            Map<Long, Integer> at = new java.util.HashMap<>();
            for (int i = from; i < to; i++) {
                at.put(ids[i], i - from);
            }
            // By primary key, BLOCK ids a statement (the last one repeated to fill it).
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT ID, PAYLOAD FROM " + prefix + "RECORDS WHERE ID IN ("
                         + String.join(", ", java.util.Collections.nCopies(BLOCK, "?")) + ")")) {
                for (int k = 0; k < BLOCK; k++) {
                    s.setLong(k + 1, ids[Math.min(from + k, to - 1)]);
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Integer i = at.get(rs.getLong(1));
                        if (i != null) {
                            payloads[i] = rs.getBytes(2);
                        }
                    }
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            } catch (SQLException e) {
                throw new JournalException("cannot read the payloads of journal " + name + " at record " + ids[from]
                        + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < payloads.length; i++) {
                if (payloads[i] == null) {
                    throw new JournalException("journal " + name + ": record " + ids[from + i]
                            + " was deleted before recovery read it; read the recovered records before changing the journal");
                }
            }
            block = payloads;
            blockStart = from;
        }
    }

    private void leaseLost(JournalLockedException e) {
        failure = e;
        submitInternal(new Op((byte) -1, 0, 0, (byte) 0, EMPTY)); // wakes the writer to fail what is queued
        try {
            onLeaseLost.run();
        } catch (RuntimeException ex) {
            LOG.warn("journal {}: the lease-lost listener failed: {}", name, ex.toString());
        }
    }

    // ---------------------------------------------------------------- public operations

    @Override
    public CompletableFuture<Void> add(long id, byte type, ByteBuffer payload, boolean durable) {
        return submit(ADD, checkId("id", id), 0, type, copy(payload));
    }

    @Override
    public CompletableFuture<Void> addOwned(long id, byte type, byte[] payload, boolean durable) {
        return submit(ADD, checkId("id", id), 0, type, checkSize(payload));
    }

    @Override
    public CompletableFuture<Void> update(long id, byte type, ByteBuffer payload, boolean durable) {
        return submit(UPDATE, checkId("id", id), 0, type, copy(payload));
    }

    @Override
    public CompletableFuture<Void> delete(long id, boolean durable) {
        return submit(DELETE, checkId("id", id), 0, (byte) 0, EMPTY);
    }

    @Override
    public CompletableFuture<Void> addTransactional(long txId, long id, byte type, ByteBuffer payload) {
        return submit(ADD_TX, checkId("id", id), checkId("txId", txId), type, copy(payload));
    }

    @Override
    public CompletableFuture<Void> addTransactionalOwned(long txId, long id, byte type, byte[] payload) {
        return submit(ADD_TX, checkId("id", id), checkId("txId", txId), type, checkSize(payload));
    }

    @Override
    public CompletableFuture<Void> updateTransactional(long txId, long id, byte type, ByteBuffer payload) {
        return submit(UPDATE_TX, checkId("id", id), checkId("txId", txId), type, copy(payload));
    }

    @Override
    public CompletableFuture<Void> deleteTransactional(long txId, long id) {
        return submit(DELETE_TX, checkId("id", id), checkId("txId", txId), (byte) 0, EMPTY);
    }

    @Override
    public CompletableFuture<Void> prepare(long txId, ByteBuffer data, boolean durable) {
        return submit(PREPARE, 0, checkId("txId", txId), (byte) 0, copy(data));
    }

    @Override
    public CompletableFuture<Void> commit(long txId, boolean durable) {
        return submit(COMMIT, 0, checkId("txId", txId), (byte) 0, EMPTY);
    }

    @Override
    public CompletableFuture<Void> rollback(long txId, boolean durable) {
        return submit(ROLLBACK, 0, checkId("txId", txId), (byte) 0, EMPTY);
    }

    @Override
    public JournalStats stats() {
        return new JournalStats(records, forces, bytesWritten, liveRecords, 0, 0);
    }

    private static long checkId(String what, long id) {
        if (id < 0) {
            throw new IllegalArgumentException(what + ": " + id + " (expected: >= 0)");
        }
        return id;
    }

    private byte[] copy(ByteBuffer payload) {
        Objects.requireNonNull(payload, "payload");
        checkSize(payload.remaining());
        byte[] b = new byte[payload.remaining()];
        payload.duplicate().get(b);
        return b;
    }

    private byte[] checkSize(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        checkSize(payload.length);
        return payload;
    }

    private void checkSize(int length) {
        if (length > maxPayload) {
            throw new IllegalArgumentException("payload: " + length + " bytes (expected: <= " + maxPayload + ")");
        }
    }

    private CompletableFuture<Void> submit(byte kind, long id, long txId, byte type, byte[] payload) {
        JournalException f = failure;
        if (f != null) {
            return CompletableFuture.failedFuture(f);
        }
        Op op = new Op(kind, id, txId, type, payload);
        enqueueLock.lock();
        try {
            if (!opened) {
                throw new IllegalStateException("journal " + name + " is not open: call open() first");
            }
            if (closed) {
                throw new IllegalStateException("journal " + name + " is closed");
            }
            queue.add(op);
        } finally {
            enqueueLock.unlock();
        }
        return op.future;
    }

    private void submitInternal(Op op) {
        enqueueLock.lock();
        try {
            if (!closed) {
                queue.add(op);
            }
        } finally {
            enqueueLock.unlock();
        }
    }

    @Override
    public void close() {
        enqueueLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (writer == null) {
                release();
                return;
            }
            queue.add(new Op(CLOSE, 0, 0, (byte) 0, EMPTY));
        } finally {
            enqueueLock.unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release();
        LOG.info("journal {} closed", name);
    }

    private void release() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException e) {
                LOG.debug("closing the writer connection", e);
            }
        }
        if (lease != null) {
            lease.close();
        }
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    // ---------------------------------------------------------------- writer thread

    private static final class Op {
        final byte kind;
        final long id;
        final long txId;
        final byte type;
        final byte[] payload;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        Op(byte kind, long id, long txId, byte type, byte[] payload) {
            this.kind = kind;
            this.id = id;
            this.txId = txId;
            this.type = type;
            this.payload = payload;
        }
    }

    private static final class Tx {
        final long txId;
        final List<Op> ops = new ArrayList<>();
        boolean prepared;
        byte[] data;

        Tx(long txId) {
            this.txId = txId;
        }
    }

    private void runWriter() {
        List<Op> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue;
            }
            queue.drainTo(batch, MAX_BATCH_OPS);
            for (Op op : batch) {
                stop |= op.kind == CLOSE;
            }
            if (failure != null) {
                batch.forEach(op -> op.future.completeExceptionally(failure));
                batch.clear();
                continue;
            }
            // Memory (live, txs) changes before the commit; if the commit fails the journal
            // fails as a whole, so memory never serves a state the database does not hold.
            try {
                for (Op op : batch) {
                    if (op.kind == CLOSE || op.kind > 0 && process(op)) {
                        done.add(op);
                    }
                }
                if (highestId > storedHighestId) {
                    try (PreparedStatement s = conn.prepareStatement("UPDATE " + prefix + "META SET VAL = ? WHERE NAME = 'highest_id'")) {
                        s.setLong(1, highestId);
                        if (s.executeUpdate() == 0) {
                            try (PreparedStatement i = conn.prepareStatement("INSERT INTO " + prefix + "META (NAME, VAL) VALUES ('highest_id', ?)")) {
                                i.setLong(1, highestId);
                                i.executeUpdate();
                            }
                        }
                    }
                    storedHighestId = highestId;
                }
                // The commit is the commit point: futures complete only after it returns.
                conn.commit();
                forces++;
                liveRecords = live.size();
                for (Op op : done) {
                    op.future.complete(null);
                }
            } catch (SQLException | RuntimeException e) {
                JournalException f = new JournalException("journal " + name + " failed on a database error: " + e.getMessage()
                        + "; every later operation fails: restart the broker to recover", e);
                failure = f;
                LOG.error("journal {} failed", name, e);
                try {
                    conn.rollback();
                } catch (SQLException ignored) {
                    // The journal is failed either way.
                }
                batch.forEach(op -> op.future.completeExceptionally(f));
            }
            done.clear();
            batch.clear();
        }
    }

    /** Validates and applies one operation inside the batch's transaction; false if rejected. */
    private boolean process(Op op) throws SQLException {
        highestId = Math.max(highestId, Math.max(op.id, op.txId));
        switch (op.kind) {
            case ADD -> {
                if (live.contains(op.id)) {
                    return reject(op, "add: record " + op.id + " is already live");
                }
                insert(op.id, op.type, op.payload);
            }
            case UPDATE -> {
                if (!live.contains(op.id)) {
                    return reject(op, "update: record " + op.id + " is not live");
                }
                updateRow(op.id, op.type, op.payload);
            }
            case DELETE -> {
                if (!live.contains(op.id)) {
                    return reject(op, "delete: record " + op.id + " is not live");
                }
                deleteRow(op.id);
            }
            case ADD_TX, UPDATE_TX, DELETE_TX -> {
                Tx tx = txs.computeIfAbsent(op.txId, Tx::new);
                if (tx.prepared) {
                    return reject(op, "transaction " + op.txId + " is already prepared");
                }
                tx.ops.add(op);
            }
            case PREPARE -> {
                Tx tx = txs.computeIfAbsent(op.txId, Tx::new);
                if (tx.prepared) {
                    return reject(op, "transaction " + op.txId + " is already prepared");
                }
                try (PreparedStatement s = conn.prepareStatement("INSERT INTO " + prefix + "TRANSACTIONS (TX_ID, DATA) VALUES (?, ?)")) {
                    s.setLong(1, op.txId);
                    s.setBytes(2, op.payload);
                    s.executeUpdate();
                }
                try (PreparedStatement s = conn.prepareStatement("INSERT INTO " + prefix + "TX_OPS (TX_ID, SEQ, KIND, ID, TYPE, PAYLOAD) VALUES (?, ?, ?, ?, ?, ?)")) {
                    int seq = 0;
                    for (Op o : tx.ops) {
                        s.setLong(1, op.txId);
                        s.setInt(2, seq++);
                        s.setShort(3, o.kind);
                        s.setLong(4, o.id);
                        s.setShort(5, o.type);
                        s.setBytes(6, o.payload);
                        s.addBatch();
                    }
                    if (seq > 0) {
                        s.executeBatch();
                    }
                }
                tx.prepared = true;
                tx.data = op.payload;
            }
            case COMMIT -> {
                Tx tx = txs.remove(op.txId);
                if (tx == null) {
                    return true;
                }
                for (Op o : tx.ops) {
                    switch (o.kind) {
                        case ADD_TX, UPDATE_TX -> {
                            if (live.contains(o.id)) {
                                updateRow(o.id, o.type, o.payload);
                            } else {
                                insert(o.id, o.type, o.payload);
                            }
                        }
                        default -> {
                            if (live.contains(o.id)) {
                                deleteRow(o.id);
                            }
                        }
                    }
                }
                if (tx.prepared) {
                    forgetPrepared(op.txId);
                }
            }
            case ROLLBACK -> {
                Tx tx = txs.remove(op.txId);
                if (tx != null && tx.prepared) {
                    forgetPrepared(op.txId);
                }
            }
            default -> throw new IllegalStateException("unreachable: kind " + op.kind);
        }
        records++;
        bytesWritten += op.payload.length;
        return true;
    }

    private static boolean reject(Op op, String message) {
        op.future.completeExceptionally(new IllegalArgumentException(message));
        return false;
    }

    private void insert(long id, byte type, byte[] payload) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("INSERT INTO " + prefix + "RECORDS (ID, SEQ, TYPE, PAYLOAD) VALUES (?, ?, ?, ?)")) {
            s.setLong(1, id);
            s.setLong(2, nextSeq++);
            s.setShort(3, type);
            s.setBytes(4, payload);
            s.executeUpdate();
        }
        live.add(id);
    }

    private void updateRow(long id, byte type, byte[] payload) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("UPDATE " + prefix + "RECORDS SET TYPE = ?, PAYLOAD = ? WHERE ID = ?")) {
            s.setShort(1, type);
            s.setBytes(2, payload);
            s.setLong(3, id);
            s.executeUpdate();
        }
    }

    private void deleteRow(long id) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("DELETE FROM " + prefix + "RECORDS WHERE ID = ?")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
        live.remove(id);
    }

    private void forgetPrepared(long txId) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("DELETE FROM " + prefix + "TX_OPS WHERE TX_ID = ?")) {
            s.setLong(1, txId);
            s.executeUpdate();
        }
        try (PreparedStatement s = conn.prepareStatement("DELETE FROM " + prefix + "TRANSACTIONS WHERE TX_ID = ?")) {
            s.setLong(1, txId);
            s.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- builder

    /** Builds a {@link JdbcJournal}. Not thread-safe. */
    public static final class Builder {
        private String jdbcUrl;
        private String user = "sa";
        private String password = "";
        private DataSource dataSource;
        private String tablePrefix = "WHARF_";
        private String name = "journal";
        private String owner = "wharf-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID();
        private Duration leaseTtl = Duration.ofSeconds(30);
        private Duration lockWait = Duration.ZERO;
        private Clock clock = Clock.systemUTC();
        private boolean createSchema = true;
        private int maxPayload = 64 * 1024 * 1024;
        private Runnable onLeaseLost = () -> { };

        private Builder() {
        }

        /**
         * Called (on the lease's heartbeat thread) when another owner took the lease: by then every
         * pending and later operation fails, and the owner should stop serving at once.
         */
        public Builder onLeaseLost(Runnable listener) {
            this.onLeaseLost = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** A JDBC URL; a HikariCP pool (3 connections) is created for it and closed with the journal. */
        public Builder jdbcUrl(String url, String user, String password) {
            this.jdbcUrl = Objects.requireNonNull(url, "url");
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * An embedded H2 database in {@code directory} (file {@code wharf.mv.db}), opened with
         * {@code FILE_LOCK=FS} (released when the process dies) and {@code WRITE_DELAY=0} (a
         * commit is written to the file before it returns).
         */
        public Builder h2(Path directory) {
            return jdbcUrl("jdbc:h2:file:" + directory.toAbsolutePath().resolve("wharf") + ";FILE_LOCK=FS;WRITE_DELAY=0", "sa", "");
        }

        /** A data source owned by the caller (not closed by the journal). */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** Prefix of every table name. Default {@code WHARF_}. */
        public Builder tablePrefix(String prefix) {
            if (!prefix.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("tablePrefix: '" + prefix + "' (expected: letters, digits, underscores)");
            }
            this.tablePrefix = prefix;
            return this;
        }

        /** The name of the journal: the lease row's name and part of thread names. Default {@code journal}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** This opener's id in the lease row. Default: pid and a random UUID. */
        public Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /** Lease time-to-live; renewed every third of it. Default 30 s. */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /** How long {@link JdbcJournal#open()} waits for another owner's lease to end. Default zero. */
        public Builder lockWait(Duration wait) {
            this.lockWait = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /** The clock lease expiry is computed with. Default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Whether {@code open()} creates missing tables (default true). */
        public Builder createSchema(boolean create) {
            this.createSchema = create;
            return this;
        }

        /** Largest payload accepted. Default 64 MiB. */
        public Builder maxPayload(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxPayload: " + bytes + " (expected: >= 0)");
            }
            this.maxPayload = bytes;
            return this;
        }

        public JdbcJournal build() {
            if (jdbcUrl == null && dataSource == null) {
                throw new IllegalStateException("JdbcJournal needs jdbcUrl(...), h2(...) or dataSource(...)");
            }
            return new JdbcJournal(this);
        }
    }
}
