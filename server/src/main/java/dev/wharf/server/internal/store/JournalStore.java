package dev.wharf.server.internal.store;

import dev.wharf.journal.Journal;
import dev.wharf.journal.PreparedTransaction;
import dev.wharf.journal.RecordInfo;
import dev.wharf.journal.RecoveredJournal;
import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.WireMessage;
import dev.wharf.server.internal.core.BrokerException;
import dev.wharf.server.internal.core.HeapEstimate;
import dev.wharf.server.internal.core.MessageRef;
import dev.wharf.server.internal.core.StoredMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistence mapping: how broker state becomes journal records (payload layouts in
 * {@link StoreRecords}).
 * <ul>
 *   <li>A persistent message routed to at least one durable queue is stored once as a
 *       MESSAGE record (id allocated here, payload the {@link WireMessage} encoding), then one
 *       REF record per durable queue (id = the reference's sequence number, payload = message
 *       id, queue record id, delivery count). Non-persistent messages, temporary queues and
 *       non-durable subscriptions are never journaled.</li>
 *   <li>An acknowledgement deletes the REF record; the MESSAGE record is deleted with its last
 *       REF. A redelivery that raises the delivery count updates the REF (not forced: a lost
 *       update only under-counts after a power cut).</li>
 *   <li>Queues and durable subscriptions are QUEUE records (name, kind, subscription identity,
 *       selector, noLocal); deleting one deletes its REFs first.</li>
 *   <li>A local transaction stages its sends ({@code addTransactional}) and its acknowledgements
 *       ({@code deleteTransactional}) under a transaction id, then commits with a force.</li>
 *   <li>Ids (records and transactions) continue above {@link RecoveredJournal#highestId()}.</li>
 *   <li>Prepared (XA) transactions found at recovery are logged and left alone, in doubt, in
 *       the journal until the XA work resolves them.</li>
 * </ul>
 * The commit point of a send is the durable force of its last record: the caller confirms the
 * send only when the returned future completes.
 *
 * <p>Threads: called only from the broker thread (the id counter is confined to it). The
 * journal is thread-safe and never blocks; futures complete on the journal's thread, so callers
 * hop back to the broker thread before touching broker state.
 */
public final class JournalStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalStore.class);

    private final Journal journal;
    private final int maxPayload;
    private LargeMessageStore largeMessages;
    private java.util.function.Supplier<PageStore> pagesOnceOpen;
    private long recoveryBudget = Long.MAX_VALUE;
    private static final byte[] NO_BODY = new byte[0];
    /** Runs tasks on the broker thread; set by the broker (journal completions hop back through it). */
    private java.util.concurrent.Executor brokerThread = Runnable::run;
    private long lastId;

    /** @param maxPayload the largest record payload the journal accepts */
    public JournalStore(Journal journal, int maxPayload) {
        this.journal = journal;
        this.maxPayload = maxPayload;
    }

    /** Where large message bodies are kept; set before {@link #open()}. Null: large messages are refused. */
    public void largeMessages(LargeMessageStore store) {
        this.largeMessages = store;
    }

    /**
     * Where recovery pages message bodies once the recovered messages hold more than
     * {@code budgetBytes}; set before {@link #open()}. The page store is made only once the
     * journal is open (and locked: it clears its directory, which a backup must not do to the live
     * broker's pages) and is handed back in {@link Recovered#pages()}.
     */
    public void pageRecoveredBodies(java.util.function.Supplier<PageStore> pagesOnceOpen, long budgetBytes) {
        this.pagesOnceOpen = pagesOnceOpen;
        this.recoveryBudget = budgetBytes;
    }

    /** The broker thread, for completions that touch broker state. */
    public void brokerThread(java.util.concurrent.Executor executor) {
        this.brokerThread = executor;
    }

    /** Where large message bodies are kept, or null. */
    public LargeMessageStore largeMessages() {
        return largeMessages;
    }

    /**
     * What recovery found, decoded. Records that do not decode are logged and skipped.
     * {@code largeBodies} maps the record id of each large message (live or in a prepared
     * transaction) to its body; one body shared by several records is held once per record.
     * {@code pagedBodies} maps the record id of each message whose body recovery paged (its
     * entry in {@code messages} has an empty body) to its page in {@code pages}; {@code pages} is
     * null unless {@link #pageRecoveredBodies} was called.
     */
    public record Recovered(List<QueueRecord> queues, Map<Long, WireMessage> messages,
                            List<StoreRecords.RefRecord> refs, List<PreparedTransaction> prepared,
                            List<StoreRecords.DuplicateIdRecord> duplicateIds, Map<Long, LargeBody> largeBodies,
                            PageStore pages, Map<Long, PageStore.Location> pagedBodies) {
    }

    /** Opens the journal (blocks: takes the lock and reads the store) and decodes its records. */
    public Recovered open() {
        RecoveredJournal r = journal.open();
        lastId = r.highestId();
        PageStore pages = pagesOnceOpen == null ? null : pagesOnceOpen.get();
        Map<Long, PageStore.Location> paged = new java.util.HashMap<>();
        long held = 0;
        List<QueueRecord> queues = new ArrayList<>();
        Map<Long, WireMessage> messages = new LinkedHashMap<>();
        List<StoreRecords.RefRecord> refs = new ArrayList<>();
        List<StoreRecords.DuplicateIdRecord> duplicateIds = new ArrayList<>();
        Map<Long, StoreRecords.LargeMessageRecord> large = new LinkedHashMap<>();
        for (RecordInfo info : r.records()) {
            try {
                switch (info.type()) {
                    case StoreRecords.QUEUE -> queues.add(StoreRecords.decodeQueue(info.id(), info.payload()));
                    case StoreRecords.MESSAGE -> {
                        WireMessage m = StoreRecords.decodeMessage(info.payload());
                        held += HeapEstimate.routed(m, 1, 1);
                        if (pages != null && held > recoveryBudget && m.body() != null && m.body().length > 0) {
                            // Past the budget: the body waits on disk, as it would have while running.
                            paged.put(info.id(), pages.write(m.body()));
                            held -= m.body().length;
                            m = m.withBody(NO_BODY);
                        }
                        messages.put(info.id(), m);
                    }
                    case StoreRecords.LARGE_MESSAGE -> {
                        StoreRecords.LargeMessageRecord l = StoreRecords.decodeLargeMessage(info.id(), info.payload());
                        large.put(info.id(), l);
                        messages.put(info.id(), l.message());
                    }
                    case StoreRecords.REF -> refs.add(StoreRecords.decodeRef(info.id(), info.payload()));
                    case StoreRecords.DUPLICATE_ID -> duplicateIds.add(StoreRecords.decodeDuplicateId(info.id(), info.payload()));
                    default -> LOG.warn("Skipping journal record {} of unknown type {}", info.id(), info.type());
                }
            } catch (RuntimeException e) {
                LOG.warn("Skipping journal record {} of type {} that does not decode: {}", info.id(), info.type(), e.toString());
            }
        }
        for (PreparedTransaction tx : r.preparedTransactions()) {
            LOG.warn("Prepared transaction {} is in doubt ({} records, {} deletions); it stays in the journal until resolved",
                    tx.txId(), tx.records().size(), tx.deletedIds().size());
        }
        if (r.truncatedBytes() > 0) {
            LOG.warn("Journal recovery cut a torn tail of {} bytes", r.truncatedBytes());
        }
        for (PreparedTransaction tx : r.preparedTransactions()) {
            for (RecordInfo info : tx.records()) {
                if (info.type() == StoreRecords.LARGE_MESSAGE) {
                    try {
                        large.put(info.id(), StoreRecords.decodeLargeMessage(info.id(), info.payload()));
                    } catch (RuntimeException e) {
                        LOG.warn("Skipping large message record {} of prepared transaction {} that does not decode: {}",
                                info.id(), tx.txId(), e.toString());
                    }
                }
            }
        }
        Map<Long, LargeBody> largeBodies = recoverLargeBodies(large, messages);
        LOG.info("Recovered {} queues/subscriptions, {} messages ({} large, {} paged), {} references; ids continue above {}",
                queues.size(), messages.size(), largeBodies.size(), paged.size(), refs.size(), lastId);
        duplicateIds.sort(java.util.Comparator.comparingLong(StoreRecords.DuplicateIdRecord::id));
        return new Recovered(queues, messages, refs, r.preparedTransactions(), duplicateIds, largeBodies, pages, paged);
    }

    /**
     * Matches LARGE_MESSAGE records with their body files: files no record names are deleted
     * (sends never confirmed); a record whose file is missing or short loses its message, which
     * is logged as an error and dropped from {@code messages} (its references become orphans).
     */
    private Map<Long, LargeBody> recoverLargeBodies(Map<Long, StoreRecords.LargeMessageRecord> large,
                                                    Map<Long, WireMessage> messages) {
        Map<Long, LargeBody> out = new LinkedHashMap<>();
        if (largeMessages == null) {
            for (Long id : large.keySet()) {
                LOG.error("Large message record {} found, but this broker has no large message directory; dropping it", id);
                messages.remove(id);
            }
            return out;
        }
        java.util.Set<Long> referenced = new java.util.HashSet<>();
        large.values().forEach(l -> referenced.add(l.fileId()));
        Map<Long, Long> found = largeMessages.recover(referenced);
        Map<Long, LargeBody> byFile = new java.util.HashMap<>();
        for (Map.Entry<Long, StoreRecords.LargeMessageRecord> e : large.entrySet()) {
            StoreRecords.LargeMessageRecord l = e.getValue();
            Long size = found.get(l.fileId());
            if (size == null || size != l.bodyLength()) {
                LOG.error("Large message {} (record {}) lost: its body file {} is {} (expected {} bytes); dropping it",
                        l.message().messageId(), e.getKey(), largeMessages.path(l.fileId()),
                        size == null ? "missing" : size + " bytes", l.bodyLength());
                messages.remove(e.getKey());
                continue;
            }
            LargeBody body = byFile.get(l.fileId());
            if (body == null) {
                body = largeMessages.recovered(l.fileId(), l.bodyLength());
                byFile.put(l.fileId(), body);
            } else {
                body.acquire();
            }
            out.put(e.getKey(), body);
        }
        return out;
    }

    /** A new record or transaction id, above every id the journal has seen. */
    public long nextId() {
        return ++lastId;
    }

    /** Journals a queue or durable subscription; {@code q.id()} must be set. */
    public CompletableFuture<Void> addQueue(QueueRecord q, boolean durable) {
        return call(() -> journal.add(q.id(), StoreRecords.QUEUE, ByteBuffer.wrap(StoreRecords.encodeQueue(q)), durable));
    }

    /** Deletes a QUEUE record (its references must have been removed first). */
    public CompletableFuture<Void> deleteQueue(long id, boolean durable) {
        return call(() -> journal.delete(id, durable));
    }

    /** The record type a message is journaled as: LARGE_MESSAGE when its body is in its own file. */
    static byte recordType(StoredMessage m) {
        return m.isLarge() ? StoreRecords.LARGE_MESSAGE : StoreRecords.MESSAGE;
    }

    /** A staged send paged out before its commit, whole again. */
    private static WireMessage readBack(StoredMessage m) throws BrokerException {
        try {
            return m.fullWire();
        } catch (java.io.UncheckedIOException e) {
            throw new BrokerException(ErrorCode.INTERNAL_ERROR, "cannot read back the paged body of message "
                    + m.wire().messageId() + " to store it: " + e.getCause().getMessage() + "; check the paging directory");
        }
    }

    /** Encodes the message for the journal (a paged one with its body read back), checking it fits in one record. */
    public byte[] encode(StoredMessage m) throws BrokerException {
        byte[] bytes = m.isLarge() ? StoreRecords.encodeLargeMessage(m.large().fileId(), m.large().length(), m.wire())
                : StoreRecords.encodeMessage(m.isPaged() ? readBack(m) : m.wire());
        if (bytes.length > maxPayload) {
            throw new BrokerException(ErrorCode.MESSAGE_TOO_LARGE, "a persistent message of " + bytes.length
                    + " bytes exceeds the store's record limit of " + maxPayload + " bytes; send a smaller message");
        }
        return bytes;
    }

    /**
     * Throws what {@link #encode} would for a message too large for a record, without encoding
     * it when its size bound ({@link dev.wharf.protocol.WireMessage#maxEncodedSize}) is under the
     * limit, as it is for all but messages near it.
     */
    public void checkEncodable(StoredMessage m) throws BrokerException {
        if (m.isLarge() || m.wire().maxEncodedSize() > maxPayload) {
            encode(m);
        }
    }

    /**
     * Journals a message and its references to durable queues (each must be
     * {@link MessageRef#isJournaled()}). The future completes when all of it is forced.
     */
    public CompletableFuture<Void> addMessage(StoredMessage m, byte[] encoded, List<MessageRef> refs) {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        if (!m.isJournaled()) {
            m.journalId(nextId());
            futures.add(call(() -> journal.addOwned(m.journalId(), recordType(m), encoded, false)));
        }
        for (int i = 0; i < refs.size(); i++) {
            MessageRef ref = refs.get(i);
            boolean last = i == refs.size() - 1;
            m.addJournaledRef();
            futures.add(call(() -> journal.addOwned(ref.seq(), StoreRecords.REF, refPayload(ref), last)));
        }
        return all(futures);
    }

    /** Deletes a reference's REF record, and the MESSAGE record with the last reference. */
    public CompletableFuture<Void> removeRef(MessageRef ref, boolean durable) {
        if (!ref.isJournaled()) {
            return CompletableFuture.completedFuture(null);
        }
        StoredMessage m = ref.message();
        CompletableFuture<Void> f = call(() -> journal.delete(ref.seq(), durable));
        if (m.removeJournaledRef() == 0) {
            // A large message's record deletion is forced: its body file goes only after it.
            CompletableFuture<Void> gone = call(() -> journal.delete(m.journalId(), durable || m.isLarge()));
            if (m.isLarge()) {
                gone.thenRun(() -> brokerThread.execute(m::journalRecordGone));
            }
            f = all(List.of(f, gone));
        }
        return f;
    }

    /** Records a raised delivery count (not forced). */
    public void updateDeliveryCount(MessageRef ref) {
        if (ref.isJournaled()) {
            call(() -> journal.update(ref.seq(), StoreRecords.REF, ByteBuffer.wrap(refPayload(ref)), false)).exceptionally(e -> {
                LOG.warn("Could not update the delivery count of {}: {}", ref, e.toString());
                return null;
            });
        }
    }

    /** Commits a prepared transaction (forced). */
    public CompletableFuture<Void> commitPrepared(long txId) {
        return call(() -> journal.commit(txId, true));
    }

    /** Rolls back a prepared transaction (forced). */
    public CompletableFuture<Void> rollbackPrepared(long txId) {
        return call(() -> journal.rollback(txId, true));
    }

    /** The transaction {@code txId} found prepared at recovery, to commit or roll back. */
    public StoreTransaction inDoubt(long txId) {
        return new StoreTransaction(this, journal, txId);
    }

    /** Starts a transaction that stages sends and acknowledgements. */
    public StoreTransaction begin() {
        return new StoreTransaction(this, journal);
    }

    /** Deletes a duplicate id record that fell out of its cache (not forced). */
    public void deleteDuplicateId(long id) {
        deleteQuietly(id, "duplicate id record");
    }

    /** Deletes a record found orphaned at recovery (not forced). */
    public void deleteOrphan(long id) {
        deleteQuietly(id, "orphaned journal record");
    }

    private void deleteQuietly(long id, String what) {
        call(() -> journal.delete(id, false)).exceptionally(e -> {
            LOG.warn("Could not delete {} {}: {}", what, id, e.toString());
            return null;
        });
    }

    static byte[] refPayload(MessageRef ref) {
        return StoreRecords.encodeRef(ref.message().journalId(), ref.queue().recordId(), ref.deliveryCount());
    }

    /** Runs a journal call, turning a synchronous throw into a failed future. */
    static CompletableFuture<Void> call(java.util.function.Supplier<CompletableFuture<Void>> op) {
        try {
            return op.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static CompletableFuture<Void> all(List<CompletableFuture<Void>> futures) {
        if (futures.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (futures.size() == 1) {
            return futures.get(0);
        }
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
    }

    /** Flushes and closes the journal. */
    @Override
    public void close() {
        if (largeMessages != null) {
            largeMessages.close();
        }
        journal.close();
    }
}
