package dev.wharf.server.internal.store;

import dev.wharf.journal.Journal;
import dev.wharf.server.internal.core.MessageRef;
import dev.wharf.server.internal.core.StoredMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The journal side of one local transaction: sends staged with {@code addTransactional},
 * acknowledgements with {@code deleteTransactional}, applied together by a forced commit (the
 * commit point). A transaction with nothing journaled commits without touching the journal.
 *
 * <p>Not thread-safe; confined to the broker thread.
 */
public final class StoreTransaction {

    private final JournalStore store;
    private final Journal journal;
    private final List<CompletableFuture<Void>> staged = new ArrayList<>();
    private long txId;

    StoreTransaction(JournalStore store, Journal journal) {
        this(store, journal, 0);
    }

    /** @param txId 0 for a new transaction, or the id of one found prepared at recovery */
    StoreTransaction(JournalStore store, Journal journal, long txId) {
        this.store = store;
        this.journal = journal;
        this.txId = txId;
    }

    private long txId() {
        if (txId == 0) {
            txId = store.nextId();
        }
        return txId;
    }

    /** Stages a message and its journaled references. */
    public void addMessage(StoredMessage m, byte[] encoded, List<MessageRef> refs) {
        if (refs.isEmpty()) {
            return;
        }
        long tx = txId();
        if (!m.isJournaled()) {
            m.journalId(store.nextId());
            staged.add(JournalStore.call(() -> journal.addTransactionalOwned(tx, m.journalId(), JournalStore.recordType(m), encoded)));
        }
        for (MessageRef ref : refs) {
            m.addJournaledRef();
            staged.add(JournalStore.call(() -> journal.addTransactionalOwned(tx, ref.seq(), StoreRecords.REF, JournalStore.refPayload(ref))));
        }
    }

    /** Stages a DUPLICATE_ID record under {@code recordId}. */
    public void addDuplicateId(long recordId, dev.wharf.protocol.WireDestination address, String duplicateId) {
        long tx = txId();
        byte[] payload = StoreRecords.encodeDuplicateId(address, duplicateId);
        staged.add(JournalStore.call(() -> journal.addTransactionalOwned(tx, recordId, StoreRecords.DUPLICATE_ID, payload)));
    }

    /** Stages the acknowledgement of a reference (and the deletion of its message with the last one). */
    public void removeRef(MessageRef ref) {
        if (!ref.isJournaled()) {
            return;
        }
        long tx = txId();
        StoredMessage m = ref.message();
        staged.add(JournalStore.call(() -> journal.deleteTransactional(tx, ref.seq())));
        if (m.removeJournaledRef() == 0) {
            staged.add(JournalStore.call(() -> journal.deleteTransactional(tx, m.journalId())));
        }
    }

    /** Commits (forced); completes when durable, or at once if nothing was staged. */
    public CompletableFuture<Void> commit() {
        if (txId == 0) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> all = new ArrayList<>(staged);
        all.add(JournalStore.call(() -> journal.commit(txId, true)));
        return JournalStore.all(all);
    }

    /**
     * Prepares (two-phase commit, forced): the transaction survives a restart in doubt with
     * {@code data} until {@link JournalStore#commitPrepared} or {@link JournalStore#rollbackPrepared}
     * resolves it under {@link #id()}. Completes when durable.
     */
    public CompletableFuture<Void> prepare(byte[] data) {
        long tx = txId();
        List<CompletableFuture<Void>> all = new ArrayList<>(staged);
        all.add(JournalStore.call(() -> journal.prepare(tx, ByteBuffer.wrap(data), true)));
        return JournalStore.all(all);
    }

    /** The journal transaction id (assigned on first use). */
    public long id() {
        return txId();
    }

    /** Discards what was staged. */
    public void rollback() {
        if (txId != 0) {
            JournalStore.call(() -> journal.rollback(txId, false));
        }
    }
}
