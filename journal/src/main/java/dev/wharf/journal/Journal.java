package dev.wharf.journal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A durable, append-only store of records keyed by a 64-bit id. It knows nothing of
 * messages: a record is an id, a one-byte type chosen by the caller, and an opaque payload.
 *
 * <h2>Model</h2>
 * The live state of the journal is a map {@code id -> (type, payload)}:
 * <ul>
 *   <li>{@link #add} creates a record; {@link #update} replaces the type and payload of a
 *       live record; {@link #delete} removes it. Updating or deleting an id that is not live
 *       fails the returned future with {@link IllegalArgumentException}.</li>
 *   <li>Transactional operations ({@code *Transactional}) are staged under a transaction id
 *       and applied to the live state only by {@link #commit}. {@link #rollback} discards
 *       them. {@link #prepare} makes the transaction survive a restart as <em>in doubt</em>:
 *       it is reported by {@link RecoveredJournal#preparedTransactions()} and can then be
 *       committed or rolled back by id. A transaction neither committed nor prepared when the
 *       process dies is dropped on recovery.</li>
 * </ul>
 *
 * <h2>Durability</h2>
 * Every operation returns a future. With {@code durable = true} the future completes only
 * after the record has been forced to stable storage; that completion is the commit point
 * (the caller may confirm to its own client then, never before). Concurrent durable
 * operations are forced together (group commit). With {@code durable = false} the future
 * completes once the record is written to the file (it may be lost in a power cut, but is
 * ordered with everything else: a later durable operation forces it too). Transactional
 * staging operations are never forced on their own; the commit or prepare is.
 *
 * <h2>Lifecycle and threads</h2>
 * {@link #open()} must be called once, before anything else; it takes the store's exclusive
 * lock (a second opener gets {@link JournalLockedException}), recovers, and returns the live
 * state. All other methods are thread-safe, never block on I/O, and may be called from any
 * thread (including Netty event loops); futures complete on the journal's own thread, so
 * callers must not block inside their completion callbacks. After an I/O error the journal
 * enters a failed state: every pending and later future fails with the same
 * {@link JournalException}. {@link #close()} flushes, forces, releases the lock and waits
 * for the writer to stop.
 *
 * <p>Payload buffers are read between their position and limit during the call; the caller
 * may reuse them once the method returns. The {@code *Owned} variants take a byte array the
 * caller hands over instead, which saves the journal a copy of every payload: the caller must
 * not change the array after the call.
 */
public interface Journal extends AutoCloseable {

    /**
     * Takes the exclusive lock, recovers the store and returns its live content. Blocks.
     *
     * @throws JournalLockedException if another process (or another instance) holds the store
     * @throws JournalCorruptedException if a record other than the torn tail of the last
     *     segment fails its checksum (the message names the file and the offset)
     * @throws IllegalStateException if called twice
     */
    RecoveredJournal open();

    /** Creates record {@code id}. Fails if {@code id} is already live. */
    CompletableFuture<Void> add(long id, byte type, ByteBuffer payload, boolean durable);

    /**
     * {@link #add} with a payload the journal takes over (it may keep the array until the
     * record is written): the caller must not change {@code payload} after the call.
     */
    default CompletableFuture<Void> addOwned(long id, byte type, byte[] payload, boolean durable) {
        return add(id, type, ByteBuffer.wrap(payload), durable);
    }

    /** Replaces the type and payload of live record {@code id}. */
    CompletableFuture<Void> update(long id, byte type, ByteBuffer payload, boolean durable);

    /** Removes live record {@code id}. */
    CompletableFuture<Void> delete(long id, boolean durable);

    /** Stages the creation of record {@code id} under transaction {@code txId}. */
    CompletableFuture<Void> addTransactional(long txId, long id, byte type, ByteBuffer payload);

    /**
     * {@link #addTransactional} with a payload the journal takes over: the caller must not
     * change {@code payload} after the call.
     */
    default CompletableFuture<Void> addTransactionalOwned(long txId, long id, byte type, byte[] payload) {
        return addTransactional(txId, id, type, ByteBuffer.wrap(payload));
    }

    /** Stages an update of record {@code id} under transaction {@code txId}. */
    CompletableFuture<Void> updateTransactional(long txId, long id, byte type, ByteBuffer payload);

    /** Stages the deletion of record {@code id} under transaction {@code txId}. */
    CompletableFuture<Void> deleteTransactional(long txId, long id);

    /**
     * Marks transaction {@code txId} prepared (two-phase commit). {@code data} (for example an
     * encoded XA Xid) is given back by recovery. After it, the transaction survives restarts
     * until {@link #commit} or {@link #rollback}.
     */
    CompletableFuture<Void> prepare(long txId, ByteBuffer data, boolean durable);

    /** Applies every operation staged under {@code txId}, atomically with respect to crashes. */
    CompletableFuture<Void> commit(long txId, boolean durable);

    /** Discards every operation staged under {@code txId}. */
    CompletableFuture<Void> rollback(long txId, boolean durable);

    /** Counters for tests, metrics and benchmarks (records, forces, bytes, files). */
    JournalStats stats();

    /** Flushes, forces, stops the writer and releases the lock. Idempotent. */
    @Override
    void close();
}
