package dev.wharf.journal;

import dev.wharf.journal.internal.Compaction;
import dev.wharf.journal.internal.JournalState;
import dev.wharf.journal.internal.LiveRecord;
import dev.wharf.journal.internal.Loc;
import dev.wharf.journal.internal.RecordFormat;
import dev.wharf.journal.internal.Recovery;
import dev.wharf.journal.internal.Segment;
import dev.wharf.journal.internal.SegmentFiles;
import dev.wharf.journal.internal.TxState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Journal} stored in a directory of fixed-size, pre-allocated segment files (format:
 * see the package documentation).
 *
 * <h2>How it works</h2>
 * Calls validate their arguments, copy the payload (unless handed over) and queue an operation. One writer thread
 * takes everything queued, encodes it into one buffer, writes it to the current segment with
 * one positional write, and, if any operation in the batch is durable, forces the file once
 * ({@link FileChannel#force(boolean) force(false)}): N concurrent durable appends cost one
 * force (group commit). The futures of the batch complete after that force. When a record
 * does not fit in the rest of the current segment, the writer forces the segment and rolls to
 * the next one, which a background thread has already pre-allocated (written as
 * {@code .tmp}, renamed into place when it becomes current, with a fresh header). A record
 * larger than a whole segment is rejected ({@link IllegalArgumentException} at the call):
 * raise {@link Builder#segmentSize}.
 *
 * <p>After each batch the writer looks at the per-file counters; when the oldest sealed files
 * hold mostly dead records it hands a snapshot to the compactor thread, which writes the live
 * part aside; the writer then swaps it in (a rename and a few deletes). See
 * {@link Compaction} for the crash contract.
 *
 * <h2>Errors</h2>
 * Null arguments, negative ids, payloads too large and calls before {@link #open()} or after
 * {@link #close()} throw at once. An update or delete of an id that is not live, or an add of
 * one that is, fails the returned future with {@link IllegalArgumentException}. A commit or
 * rollback of a transaction the journal does not know (nothing staged, nothing prepared) is a
 * no-op that completes normally. After an I/O error every pending and later future fails with
 * the same {@link JournalException}.
 *
 * <h2>Threads</h2>
 * Thread-safe. {@code state}, {@code current}, {@code buffer}, {@code nextSegment} and the
 * counters are confined to the writer thread (after {@code open()} hands them over; the
 * counters are volatile for {@link #stats()}); the preallocator thread only writes a new
 * {@code .tmp} file and hands its path back through {@code nextSegment}; {@code segments} is
 * a concurrent map written by the writer and read by the compactor; {@code failure} is volatile, written by
 * the writer, read by callers; {@code closed} is guarded by {@code enqueueLock}, which also
 * orders the final CLOSE operation after every other.
 */
public final class FileJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);
    private static final int MAX_BATCH_OPS = 4096;
    private static final int BUFFER_SIZE = 1 << 20;
    /**
     * How long the writer naps after a batch before it sleeps. While it naps, an operation nobody
     * needs forced (a non-durable delete, say, of an acknowledgement) does not wake it: it goes
     * out with the next durable operation, or when the nap ends.
     */
    static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int AWAKE = 0;
    private static final int NAPPING = 1;
    private static final int SLEEPING = 2;

    private final Path dir;
    private final long segmentSize;
    private final int minFiles;
    private final double compactLiveRatio;
    private final boolean compactionEnabled;
    private final Duration lockWait;
    private final SegmentFiles files;

    /** Operations for the writer, which alone takes from it; see {@link #offer} for how it is woken. */
    private final ConcurrentLinkedQueue<Op> queue = new ConcurrentLinkedQueue<>();
    /** {@link #AWAKE}, {@link #NAPPING} or {@link #SLEEPING}: written by the writer, read by {@link #offer}. */
    private volatile int writerState = AWAKE;
    private final ReentrantLock enqueueLock = new ReentrantLock();
    private final Map<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private boolean opened;
    private boolean closed;
    private volatile JournalException failure;

    private FileLockGuard lock;
    private Thread writer;
    private ExecutorService compactor;
    /** Pre-allocates the next segment in the background, so a roll does not wait for zeros. */
    private ExecutorService preallocator;

    // Writer-thread state.
    private JournalState state;
    private Segment current;
    private ByteBuffer buffer;
    private boolean compacting;
    private long nextSegmentId;
    private CompletableFuture<Path> nextSegment;
    private final List<Op> done = new ArrayList<>();

    // Counters: written by the writer thread, read by anyone.
    private volatile long records;
    private volatile long forces;
    private volatile long bytesWritten;
    private volatile long liveRecords;
    private volatile long compactions;

    private FileJournal(Builder b) {
        this.dir = b.directory;
        this.segmentSize = b.segmentSize;
        this.minFiles = b.minFiles;
        this.compactLiveRatio = b.compactLiveRatio;
        this.compactionEnabled = b.compactionEnabled;
        this.lockWait = b.lockWait;
        this.files = new SegmentFiles(dir, b.channelOpener);
    }

    /** A builder for a journal stored in {@code directory} (created if missing). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** The largest payload a record may carry with this journal's segment size. */
    public int maxPayloadSize() {
        return (int) Math.min(Integer.MAX_VALUE - RecordFormat.RECORD_HEADER_LENGTH,
                segmentSize - RecordFormat.HEADER_LENGTH - RecordFormat.RECORD_HEADER_LENGTH);
    }

    /** The journal directory. */
    public Path directory() {
        return dir;
    }

    @Override
    public RecoveredJournal open() {
        enqueueLock.lock();
        try {
            if (opened) {
                throw new IllegalStateException("journal " + dir + " is already open");
            }
            opened = true;
        } finally {
            enqueueLock.unlock();
        }
        lock = FileLockGuard.acquire(dir, lockWait);
        try {
            Recovery.Result r = new Recovery(files).run();
            state = r.state();
            for (Segment s : r.segments()) {
                segments.put(s.id(), s);
            }
            List<Long> dropped = state.dropUnpreparedTransactions();
            RecoveredJournal recovered = toRecovered(r);
            state.releasePrepareData();
            current = r.segments().isEmpty() ? null : r.segments().get(r.segments().size() - 1);
            if (current == null || current.compacted() || current.remaining() < RecordFormat.RECORD_HEADER_LENGTH) {
                long id = current == null ? 1 : current.id() + 1;
                current = files.create(id, segmentSize, state.highestId());
                segments.put(id, current);
                state.addFile(id);
            }
            buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
            liveRecords = state.live().size();
            LOG.info("journal {} open: {} live records, {} prepared transactions, {} unfinished transactions dropped,"
                    + " {} files, highest id {}, {} bytes cut from a torn tail", dir, recovered.records().size(),
                    recovered.preparedTransactions().size(), dropped.size(), segments.size(), recovered.highestId(),
                    recovered.truncatedBytes());
            String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
            compactor = Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, "wharf-journal-compactor-" + name);
                t.setDaemon(true);
                return t;
            });
            preallocator = Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, "wharf-journal-preallocator-" + name);
                t.setDaemon(true);
                return t;
            });
            preallocateNext();
            writer = new Thread(this::runWriter, "wharf-journal-writer-" + name);
            writer.setDaemon(true);
            writer.start();
            return recovered;
        } catch (IOException e) {
            closeFiles();
            throw new JournalException("cannot open journal " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeFiles();
            throw e;
        }
    }

    /**
     * What recovery found, for the caller. The live records' payloads are read from the files
     * only as the caller reaches each one, so a caller that goes through them one at a time
     * never holds them all: a backlog bigger than the heap can be recovered and paged.
     */
    private static RecoveredJournal toRecovered(Recovery.Result r) {
        JournalState state = r.state();
        int n = state.live().size();
        long[] ids = new long[n];
        byte[] types = new byte[n];
        Loc[] locs = new Loc[n];
        int i = 0;
        for (LiveRecord rec : state.live().values()) {
            ids[i] = rec.id();
            types[i] = rec.type();
            locs[i] = rec.latest();
            i++;
        }
        List<RecordInfo> live = new java.util.AbstractList<>() {
            @Override
            public RecordInfo get(int index) {
                return new RecordInfo(ids[index], types[index], r.payloadAt(locs[index]));
            }

            @Override
            public int size() {
                return n;
            }
        };
        List<PreparedTransaction> prepared = new ArrayList<>();
        for (TxState tx : state.txs().values()) {
            List<RecordInfo> recs = new ArrayList<>();
            List<Long> deleted = new ArrayList<>();
            for (TxState.Op op : tx.ops()) {
                if (op.kind() == RecordFormat.DELETE_TX) {
                    deleted.add(op.id());
                } else {
                    recs.add(new RecordInfo(op.id(), op.type(), r.payloadAt(op.loc())));
                }
            }
            prepared.add(new PreparedTransaction(tx.txId(), tx.prepareData(), List.copyOf(recs), List.copyOf(deleted)));
        }
        return new RecoveredJournal(java.util.Collections.unmodifiableList(live), List.copyOf(prepared), state.highestId(),
                r.truncatedBytes());
    }

    // ---------------------------------------------------------------- public operations

    @Override
    public CompletableFuture<Void> add(long id, byte type, ByteBuffer payload, boolean durable) {
        return submit(RecordFormat.ADD, checkId("id", id), 0, type, copy(payload), durable);
    }

    @Override
    public CompletableFuture<Void> addOwned(long id, byte type, byte[] payload, boolean durable) {
        return submit(RecordFormat.ADD, checkId("id", id), 0, type, checkSize(payload), durable);
    }

    @Override
    public CompletableFuture<Void> update(long id, byte type, ByteBuffer payload, boolean durable) {
        return submit(RecordFormat.UPDATE, checkId("id", id), 0, type, copy(payload), durable);
    }

    @Override
    public CompletableFuture<Void> delete(long id, boolean durable) {
        return submit(RecordFormat.DELETE, checkId("id", id), 0, (byte) 0, EMPTY, durable);
    }

    @Override
    public CompletableFuture<Void> addTransactional(long txId, long id, byte type, ByteBuffer payload) {
        return submit(RecordFormat.ADD_TX, checkId("id", id), checkId("txId", txId), type, copy(payload), false);
    }

    @Override
    public CompletableFuture<Void> addTransactionalOwned(long txId, long id, byte type, byte[] payload) {
        return submit(RecordFormat.ADD_TX, checkId("id", id), checkId("txId", txId), type, checkSize(payload), false);
    }

    @Override
    public CompletableFuture<Void> updateTransactional(long txId, long id, byte type, ByteBuffer payload) {
        return submit(RecordFormat.UPDATE_TX, checkId("id", id), checkId("txId", txId), type, copy(payload), false);
    }

    @Override
    public CompletableFuture<Void> deleteTransactional(long txId, long id) {
        return submit(RecordFormat.DELETE_TX, checkId("id", id), checkId("txId", txId), (byte) 0, EMPTY, false);
    }

    @Override
    public CompletableFuture<Void> prepare(long txId, ByteBuffer data, boolean durable) {
        return submit(RecordFormat.PREPARE, 0, checkId("txId", txId), (byte) 0, copy(data), durable);
    }

    @Override
    public CompletableFuture<Void> commit(long txId, boolean durable) {
        return submit(RecordFormat.COMMIT, 0, checkId("txId", txId), (byte) 0, EMPTY, durable);
    }

    @Override
    public CompletableFuture<Void> rollback(long txId, boolean durable) {
        return submit(RecordFormat.ROLLBACK, 0, checkId("txId", txId), (byte) 0, EMPTY, durable);
    }

    @Override
    public JournalStats stats() {
        return new JournalStats(records, forces, bytesWritten, liveRecords, segments.size(), compactions);
    }

    private static final byte[] EMPTY = new byte[0];

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
        if (length > maxPayloadSize()) {
            throw new IllegalArgumentException("payload: " + length + " bytes (expected: <= " + maxPayloadSize()
                    + ", the segment size " + segmentSize + " minus headers; raise segmentSize for larger records)");
        }
    }

    private CompletableFuture<Void> submit(byte kind, long id, long txId, byte type, byte[] payload, boolean durable) {
        JournalException f = failure;
        if (f != null) {
            return CompletableFuture.failedFuture(f);
        }
        Op op = new Op(kind, id, txId, type, payload, durable, null);
        enqueue(op);
        return op.future;
    }

    private void enqueue(Op op) {
        enqueueLock.lock();
        try {
            if (!opened) {
                throw new IllegalStateException("journal " + dir + " is not open: call open() first");
            }
            if (closed) {
                throw new IllegalStateException("journal " + dir + " is closed");
            }
            offer(op);
        } finally {
            enqueueLock.unlock();
        }
    }

    /**
     * Queues {@code op} and wakes the writer if it must act now: it sleeps, or it naps and
     * {@code op} is to be forced (or is a task, or CLOSE). A non-durable operation queued during
     * a nap waits for the next durable one or the nap's end, at most {@link #NAP_NANOS}: at one
     * synchronous producer and one consumer, each acknowledgement's non-durable delete used to
     * wake the writer for a write of its own, as each send did. The writer sets its state before
     * it looks at the queue a last time, and this reads the state after adding (both volatile):
     * so the writer either finds {@code op} or is woken when it must be.
     */
    private void offer(Op op) {
        queue.add(op);
        int state = writerState;
        if (state == SLEEPING || state == NAPPING && (op.durable || op.task != null)) {
            LockSupport.unpark(writer);
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
                closeFiles();
                return;
            }
            // The CLOSE operation is the last one ever queued: closed is set under the same lock.
            offer(new Op((byte) 0, 0, 0, (byte) 0, EMPTY, true, null));
        } finally {
            enqueueLock.unlock();
        }
        compactor.shutdown();
        preallocator.shutdown();
        try {
            if (!compactor.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("journal {}: compaction did not stop within 60 s; closing anyway", dir);
            }
            writer.join();
            preallocator.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // The unused pre-allocated file: recovery would delete it too.
            Files.deleteIfExists(dir.resolve(SegmentFiles.name(nextSegmentId) + SegmentFiles.TMP_SUFFIX));
        } catch (IOException e) {
            LOG.debug("cannot delete the pre-allocated segment", e);
        }
        closeFiles();
        LOG.info("journal {} closed", dir);
    }

    private void closeFiles() {
        segments.values().forEach(Segment::close);
        segments.clear();
        if (lock != null) {
            lock.close();
        }
    }

    // ---------------------------------------------------------------- writer thread

    /** A queued operation. {@code kind == 0} is CLOSE; {@code task != null} is an internal task. */
    private static final class Op {
        final byte kind;
        final long id;
        final long txId;
        final byte type;
        final byte[] payload;
        final boolean durable;
        final Runnable task;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        Op(byte kind, long id, long txId, byte type, byte[] payload, boolean durable, Runnable task) {
            this.kind = kind;
            this.id = id;
            this.txId = txId;
            this.type = type;
            this.payload = payload;
            this.durable = durable;
            this.task = task;
        }
    }

    private void runWriter() {
        List<Op> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            batch.add(take());
            Op next;
            while (batch.size() <= MAX_BATCH_OPS && (next = queue.poll()) != null) {
                batch.add(next);
            }
            if (failure != null) {
                for (Op op : batch) {
                    stop |= op.kind == 0 && op.task == null;
                    op.future.completeExceptionally(failure);
                }
                batch.clear();
                continue;
            }
            try {
                boolean force = false;
                for (Op op : batch) {
                    if (op.task != null) {
                        flush();
                        op.task.run();
                        op.future.complete(null);
                    } else if (op.kind == 0) {
                        stop = true;
                        force = true;
                        done.add(op);
                    } else if (process(op)) {
                        force |= op.durable;
                        done.add(op);
                    }
                }
                flush();
                if (force) {
                    // The force is the commit point: futures complete only after it returns.
                    current.channel().force(false);
                    forces++;
                }
                liveRecords = state.live().size();
                for (Op op : done) {
                    op.future.complete(null);
                }
                done.clear();
                if (!stop) {
                    maybeCompact();
                }
            } catch (IOException | RuntimeException e) {
                fail(e, batch);
                for (Op op : batch) {
                    stop |= op.kind == 0 && op.task == null;
                }
            }
            batch.clear();
        }
    }

    /**
     * Writer thread: the next operation. With none queued, naps for {@link #NAP_NANOS} (woken
     * early only by one that must act now, see {@link #offer}), then sleeps until woken.
     */
    private Op take() {
        Op op = queue.poll();
        if (op != null) {
            return op;
        }
        writerState = NAPPING;
        try {
            long napEnd = System.nanoTime() + NAP_NANOS;
            while ((op = queue.poll()) == null) {
                long left = napEnd - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, left);
                // Only close() stops the writer; an interrupt from elsewhere is ignored (and
                // cleared, or park would return at once from now on).
                Thread.interrupted();
            }
            if (op != null) {
                return op;
            }
            writerState = SLEEPING;
            while ((op = queue.poll()) == null) {
                LockSupport.park(this);
                Thread.interrupted();
            }
            return op;
        } finally {
            writerState = AWAKE;
        }
    }

    private void fail(Throwable e, List<Op> batch) {
        String where = current == null ? "" : " (file " + current.path() + ", offset " + current.writePosition() + ")";
        JournalException f = e instanceof JournalException je ? je
                : new JournalException("journal " + dir + " failed on an I/O error" + where
                        + "; every later operation fails: restart the broker to recover", e);
        failure = f;
        LOG.error("journal {} failed{}", dir, where, e);
        for (Op op : done) {
            op.future.completeExceptionally(f);
        }
        done.clear();
        for (Op op : batch) {
            op.future.completeExceptionally(f);
        }
        List<Op> rest = new ArrayList<>();
        Op queued;
        while ((queued = queue.poll()) != null) {
            rest.add(queued);
        }
        for (Op op : rest) {
            op.future.completeExceptionally(f);
            if (op.kind == 0 && op.task == null) {
                // Put CLOSE back so the loop sees it and stops.
                queue.add(op);
            }
        }
    }

    /**
     * Validates {@code op} against the index, encodes it into the batch buffer and applies it
     * to the index. Returns false (having failed its future) if it is invalid.
     * The index changes before the force: if the force fails, the journal fails as a whole.
     */
    private boolean process(Op op) throws IOException {
        switch (op.kind) {
            case RecordFormat.ADD -> {
                if (state.isLive(op.id)) {
                    return reject(op, "add: record " + op.id + " is already live");
                }
                state.add(op.id, op.type, append(op));
            }
            case RecordFormat.UPDATE -> {
                if (!state.isLive(op.id)) {
                    return reject(op, "update: record " + op.id + " is not live");
                }
                state.update(op.id, op.type, append(op));
            }
            case RecordFormat.DELETE -> {
                if (!state.isLive(op.id)) {
                    return reject(op, "delete: record " + op.id + " is not live");
                }
                append(op);
                state.delete(op.id);
            }
            case RecordFormat.ADD_TX, RecordFormat.UPDATE_TX, RecordFormat.DELETE_TX -> {
                TxState tx = state.tx(op.txId);
                if (tx != null && tx.prepared()) {
                    return reject(op, RecordFormat.kindName(op.kind) + ": transaction " + op.txId + " is already prepared");
                }
                state.stage(op.txId, op.kind, op.id, op.type, append(op));
            }
            case RecordFormat.PREPARE -> state.prepare(op.txId, append(op), null);
            case RecordFormat.COMMIT, RecordFormat.ROLLBACK -> {
                if (state.tx(op.txId) == null) {
                    return true; // Unknown transaction: nothing to write.
                }
                append(op);
                if (op.kind == RecordFormat.COMMIT) {
                    state.commit(op.txId);
                } else {
                    state.rollback(op.txId);
                }
            }
            default -> throw new IllegalStateException("unreachable: kind " + op.kind);
        }
        return true;
    }

    private static boolean reject(Op op, String message) {
        op.future.completeExceptionally(new IllegalArgumentException(message));
        return false;
    }

    /** Encodes {@code op} into the batch buffer (rolling the segment if needed); returns where it will lie. */
    private Loc append(Op op) throws IOException {
        int length = RecordFormat.recordLength(op.payload.length);
        if (length > current.remaining() - buffer.position()) {
            roll();
        }
        if (length > buffer.remaining()) {
            flush();
        }
        long offset = current.writePosition() + buffer.position();
        if (length > buffer.capacity()) {
            ByteBuffer big = ByteBuffer.allocate(length);
            RecordFormat.encode(big, op.kind, op.type, op.id, op.txId, op.payload);
            big.flip();
            SegmentFiles.writeFully(current.channel(), big, offset);
            current.writePosition(offset + length);
        } else {
            RecordFormat.encode(buffer, op.kind, op.type, op.id, op.txId, op.payload);
        }
        Loc loc = new Loc(current.id(), offset, length);
        state.recordWritten(loc);
        records++;
        bytesWritten += length;
        return loc;
    }

    /** Writes the batch buffer at the current segment's write position. */
    private void flush() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        int n = SegmentFiles.writeFully(current.channel(), buffer, current.writePosition());
        current.writePosition(current.writePosition() + n);
        buffer.clear();
    }

    /** Seals the current segment (written and forced) and starts the next one. */
    private void roll() throws IOException {
        flush();
        current.channel().force(false);
        forces++;
        long id = current.id() + 1;
        Path tmp;
        try {
            tmp = nextSegment.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IOException("cannot pre-allocate segment " + SegmentFiles.name(nextSegmentId) + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
        if (nextSegmentId != id) {
            throw new IllegalStateException("pre-allocated segment " + nextSegmentId + ", expected " + id);
        }
        current = files.activate(tmp, id, segmentSize, state.highestId());
        segments.put(id, current);
        state.addFile(id);
        preallocateNext();
        LOG.debug("journal {}: rolled to {}", dir, current.name());
    }

    /** Starts pre-allocating the segment after the current one. */
    private void preallocateNext() {
        long id = current.id() + 1;
        nextSegmentId = id;
        nextSegment = CompletableFuture.supplyAsync(() -> {
            try {
                return files.preallocate(id, segmentSize);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, preallocator);
    }

    // ---------------------------------------------------------------- compaction (writer thread unless noted)

    private void maybeCompact() throws IOException {
        if (!compactionEnabled || compacting) {
            return;
        }
        List<Long> sealed = new ArrayList<>(segments.keySet());
        sealed.remove(current.id());
        // Oldest files with nothing live are dropped outright (oldest first, so a crash in
        // between leaves a suffix of the log, which replays to the same state).
        boolean dropped = false;
        while (!sealed.isEmpty()) {
            long oldest = sealed.get(0);
            JournalState.FileCounters c = state.files().get(oldest);
            if (c != null && c.pins() > 0) {
                break;
            }
            Segment s = segments.remove(oldest);
            s.close();
            Files.deleteIfExists(s.path());
            state.removeFile(oldest);
            sealed.remove(0);
            dropped = true;
            LOG.debug("journal {}: dropped {}, which held no live record", dir, s.name());
        }
        if (dropped) {
            files.syncDirectory();
        }
        if (segments.size() < minFiles || sealed.isEmpty()) {
            return;
        }
        // The longest prefix of sealed files whose live share is low enough.
        int best = -1;
        long pins = 0;
        long recs = 0;
        for (int i = 0; i < sealed.size(); i++) {
            JournalState.FileCounters c = state.files().get(sealed.get(i));
            pins += c.pins();
            recs += c.records();
            if (recs > 0 && pins <= compactLiveRatio * recs) {
                best = i;
            }
        }
        if (best < 0) {
            return;
        }
        if (best == 0) {
            // Rewriting one compacted file that holds nothing dead would gain nothing.
            JournalState.FileCounters only = state.files().get(sealed.get(0));
            if (segments.get(sealed.get(0)).compacted() && only.pins() >= only.records()) {
                return;
            }
        }
        Compaction plan = Compaction.plan(state, sealed.subList(0, best + 1));
        compacting = true;
        compactor.execute(() -> runCompaction(plan));
    }

    /** Compactor thread: writes the compacted file aside, then hands the swap to the writer. */
    private void runCompaction(Compaction plan) {
        Compaction.Output out;
        try {
            out = plan.write(files, segments);
        } catch (IOException | RuntimeException e) {
            LOG.error("journal {}: compaction of files up to {} failed; the journal goes on uncompacted", dir,
                    SegmentFiles.name(plan.outputId()), e);
            submitTask(() -> compacting = false);
            return;
        }
        if (!submitTask(() -> swap(plan, out))) {
            try {
                Files.deleteIfExists(out.file());
            } catch (IOException e) {
                LOG.debug("cannot delete {}; recovery will", out.file(), e);
            }
        }
    }

    private boolean submitTask(Runnable task) {
        enqueueLock.lock();
        try {
            if (closed) {
                return false;
            }
            offer(new Op((byte) -1, 0, 0, (byte) 0, EMPTY, false, task));
            return true;
        } finally {
            enqueueLock.unlock();
        }
    }

    /** Writer thread: puts a finished compaction into place. */
    private void swap(Compaction plan, Compaction.Output out) {
        compacting = false;
        long outputId = plan.outputId();
        Path target = files.path(outputId);
        try {
            // The rename is the commit point of the compaction.
            Files.move(out.file(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            files.syncDirectory();
        } catch (IOException e) {
            LOG.error("journal {}: cannot rename {} into place; compaction abandoned", dir, out.file(), e);
            try {
                Files.deleteIfExists(out.file());
            } catch (IOException ignored) {
                // Recovery deletes it.
            }
            return;
        }
        try {
            for (long id : plan.prefix()) {
                Segment s = segments.remove(id);
                s.close();
                state.removeFile(id);
                if (id != outputId) {
                    Files.deleteIfExists(s.path());
                }
            }
            files.syncDirectory();
            Segment compacted = files.open(outputId, out.size(), true);
            segments.put(outputId, compacted);
            state.addFile(outputId);
            for (int i = 0; i < out.records(); i++) {
                state.recordWritten(new Loc(outputId, 0, 0));
            }
            state.remap(loc -> {
                if (loc.fileId() > outputId) {
                    return loc;
                }
                Loc to = out.remap().get(loc);
                if (to == null) {
                    throw new IllegalStateException("compaction lost location " + loc);
                }
                return to;
            });
            compactions++;
            LOG.debug("journal {}: compacted {} files into {} ({} records, {} bytes)", dir, plan.prefix().size(),
                    SegmentFiles.name(outputId), out.records(), out.size());
        } catch (IOException e) {
            throw new JournalException("journal " + dir + " failed while putting compacted file " + target
                    + " into place; the files on disk are consistent, restart to recover", e);
        }
    }

    // ---------------------------------------------------------------- builder

    /** Builds a {@link FileJournal}. Not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private long segmentSize = 10L * 1024 * 1024;
        private int minFiles = 2;
        private double compactLiveRatio = 0.3;
        private boolean compactionEnabled = true;
        private Duration lockWait = Duration.ZERO;
        private SegmentFiles.ChannelOpener channelOpener = FileChannel::open;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** Size of each segment file, pre-allocated when created. Default 10 MiB; at least 4 KiB. */
        public Builder segmentSize(long bytes) {
            if (bytes < 4096 || bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("segmentSize: " + bytes + " (expected: 4096.." + Integer.MAX_VALUE + ")");
            }
            this.segmentSize = bytes;
            return this;
        }

        /** Compaction is not attempted while the journal has fewer files than this. Default 2. */
        public Builder minFiles(int files) {
            if (files < 1) {
                throw new IllegalArgumentException("minFiles: " + files + " (expected: >= 1)");
            }
            this.minFiles = files;
            return this;
        }

        /**
         * The oldest sealed files are compacted when at most this share of their records is
         * still live (0.3 = 70 % dead). Default 0.3; 1.0 compacts whenever anything is dead.
         */
        public Builder compactLiveRatio(double ratio) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("compactLiveRatio: " + ratio + " (expected: 0..1)");
            }
            this.compactLiveRatio = ratio;
            return this;
        }

        /** Turns background compaction on (default) or off. */
        public Builder compaction(boolean enabled) {
            this.compactionEnabled = enabled;
            return this;
        }

        /**
         * How long {@link FileJournal#open()} waits for the directory lock when another process
         * holds it (a backup broker waits; default zero: fail at once).
         */
        public Builder lockWait(Duration wait) {
            this.lockWait = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /** How segment files are opened. For tests that inject I/O faults; the default is {@link FileChannel#open}. */
        public Builder channelOpener(SegmentFiles.ChannelOpener opener) {
            this.channelOpener = Objects.requireNonNull(opener, "opener");
            return this;
        }

        public FileJournal build() {
            return new FileJournal(this);
        }
    }
}
