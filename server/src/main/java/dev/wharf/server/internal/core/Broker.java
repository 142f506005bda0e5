package dev.wharf.server.internal.core;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WharfProperties;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.WireXid;
import dev.wharf.server.AddressSettings;
import dev.wharf.server.internal.security.UserStore;
import dev.wharf.server.internal.store.JournalStore;
import dev.wharf.server.internal.store.QueueRecord;
import dev.wharf.server.internal.store.StoreRecords;
import dev.wharf.server.internal.store.StoreTransaction;
import dev.wharf.server.selector.Selector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's state: queues, topics, subscriptions, temporary destinations, client ids, and
 * the routing of sent messages. Frame handling is in {@link BrokerConnection}.
 *
 * <h2>Threads</h2>
 * Every piece of broker state (this class, every queue, subscription, consumer, session and
 * connection state) is confined to one broker thread, which is also the Netty event loop of
 * every client channel (frames are decoded and handled there with no hand-off); journal futures
 * complete on the journal thread and hop back, except the plain OK of a stored send or
 * acknowledgement, which the journal thread writes itself. One thread
 * mutating queue state one task at a time is the simplest correct ordering; no locks, so no
 * deadlock. Only {@link #connectionCounter} is touched from other threads, and {@link #users} read.
 */
public final class Broker {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerSettings settings;
    private final JournalStore store;
    /** Replaced on the broker thread when the users file changes; read by password checks off it. */
    private volatile UserStore users;
    private final Clock clock;
    private final Scheduler scheduler;
    private final QueueContext queueContext;
    private final String instancePrefix = Long.toHexString(Double.doubleToLongBits(Math.random()) & 0xffffffL);
    private final AtomicLong connectionCounter = new AtomicLong();

    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final Map<String, Queue> tempQueues = new HashMap<>();
    private final Map<String, String> tempQueueOwners = new HashMap<>();
    private final Map<String, Topic> topics = new LinkedHashMap<>();
    private final Map<String, Topic> tempTopics = new HashMap<>();
    private final Subscriptions subscriptions;
    private final Map<String, BrokerConnection> clientIds = new HashMap<>();
    private final Set<BrokerConnection> connections = new LinkedHashSet<>();
    private long deadLettered;
    private long duplicatesDropped;
    private final DuplicateIds duplicates = new DuplicateIds();
    private final dev.wharf.server.internal.store.PageStore pages;
    private final XaBranches xa;
    private final Map<WireDestination, AddressUsage> usage = new HashMap<>();
    private final AddressUsage.Total totalUsage = new AddressUsage.Total();
    /**
     * Addresses holding sends or connections (BLOCK), to be drained when the bytes of all addresses
     * fall below {@code global.max.size}: the room may come from another address.
     */
    private final Set<AddressUsage> waiting = new LinkedHashSet<>();
    private boolean drainAllScheduled;
    /** What {@link #pagingFull} last found, to log when it changes. */
    private boolean pagingWasFull;
    /** When paging full was last warned of, and whether that warning still waits for its all-clear. */
    private long pagingFullWarnedAt = Long.MIN_VALUE / 2;
    private boolean pagingFullWarned;
    private long droppedWhileFull;
    private long slowConsumers;

    /**
     * @param users null when authentication is off
     */
    public Broker(BrokerSettings settings, JournalStore store, UserStore users, Clock clock, Scheduler scheduler) {
        this(settings, store, null, users, clock, scheduler);
    }

    /**
     * @param pages where message bodies go under the PAGE policy; null: nowhere, so PAGE
     *     addresses block producers instead
     * @param users null when authentication is off
     */
    public Broker(BrokerSettings settings, JournalStore store, dev.wharf.server.internal.store.PageStore pages,
                  UserStore users, Clock clock, Scheduler scheduler) {
        this.pages = pages;
        this.settings = settings;
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.scheduler = scheduler;
        this.queueContext = new QueueContext(clock, scheduler, new QueueContext.DropListener() {
            @Override
            public void dropped(MessageRef ref) {
                Broker.this.dropped(ref);
            }

            @Override
            public void expired(MessageRef ref) {
                Broker.this.expired(ref);
            }
        });
        this.subscriptions = new Subscriptions(store, queueContext);
        store.brokerThread(task -> scheduler.schedule(0, task));
        this.xa = new XaBranches(this, store, scheduler);
    }

    public BrokerSettings settings() {
        return settings;
    }

    public JournalStore store() {
        return store;
    }

    public Clock clock() {
        return clock;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Null when authentication is off. */
    public UserStore users() {
        return users;
    }

    /**
     * The users file was read again: logins are checked against {@code next} from now on. A
     * connection whose user is no longer in it, or whose password changed, is closed with a
     * security error; the others have their user's new roles from their next operation on.
     * Authentication cannot be turned on or off this way.
     *
     * @return how many connections were closed
     */
    public int replaceUsers(UserStore next) {
        UserStore before = users;
        if (before == null) {
            throw new IllegalStateException("authentication is off: there are no users to replace");
        }
        users = next;
        int closed = 0;
        for (BrokerConnection c : List.copyOf(connections)) {
            if (c.usersReplaced(before, next)) {
                closed++;
            }
        }
        return closed;
    }

    /** A new broker-unique connection id. Thread-safe. */
    public String newConnectionId() {
        return instancePrefix + "-" + connectionCounter.incrementAndGet();
    }

    // ------------------------------------------------------------------ recovery and declaration

    /** Rebuilds queues, durable subscriptions and their messages from the journal. */
    public void recover(JournalStore.Recovered r) {
        // 1. Queues and durable subscriptions.
        Map<Long, Queue> byRecord = new HashMap<>();
        for (QueueRecord q : r.queues()) {
            Queue queue;
            if (q.kind() == QueueRecord.Kind.QUEUE) {
                if (queues.containsKey(q.name())) {
                    store.deleteOrphan(q.id());
                    continue;
                }
                queue = new Queue(q.name(), Queue.Kind.QUEUE, true, queueContext);
                queues.put(q.name(), queue);
            } else {
                Topic topic = topics.computeIfAbsent(q.topic(), n -> new Topic(n, false, null));
                queue = subscriptions.restore(q, topic);
            }
            queue.recordId(q.id());
            byRecord.put(q.id(), queue);
        }
        // 2. Messages, shared by reference.
        Map<Long, StoredMessage> messages = new HashMap<>();
        for (Map.Entry<Long, WireMessage> e : r.messages().entrySet()) {
            StoredMessage m = new StoredMessage(e.getValue(), null, null, r.largeBodies().get(e.getKey()));
            dev.wharf.server.internal.store.PageStore.Location page = r.pagedBodies().get(e.getKey());
            if (page != null) {
                m.pagedAt(r.pages(), page);
            }
            m.journalId(e.getKey());
            messages.put(e.getKey(), m);
        }
        // 3. References, in id order (= arrival order); orphans are deleted. Those a prepared XA
        //    transaction acknowledges stay out of their queues until it is resolved.
        java.util.Set<Long> inDoubtAcks = new java.util.HashSet<>();
        for (dev.wharf.journal.PreparedTransaction p : r.prepared()) {
            inDoubtAcks.addAll(p.deletedIds());
        }
        Map<Long, MessageRef> heldByXa = new HashMap<>();
        Map<Queue, List<MessageRef>> refsByQueue = new HashMap<>();
        for (StoreRecords.RefRecord ref : r.refs()) {
            StoredMessage m = messages.get(ref.messageId());
            Queue queue = byRecord.get(ref.queueId());
            if (m == null || queue == null) {
                LOG.warn("Deleting orphaned reference {} (message {}, queue {})", ref.id(), ref.messageId(), ref.queueId());
                store.deleteOrphan(ref.id());
                continue;
            }
            m.addJournaledRef();
            MessageRef mr = new MessageRef(m, queue, ref.id(), true, Math.max(1, ref.deliveryCount()));
            if (inDoubtAcks.contains(ref.id())) {
                heldByXa.put(ref.id(), mr);
            } else {
                refsByQueue.computeIfAbsent(queue, q -> new ArrayList<>()).add(mr);
            }
        }
        refsByQueue.forEach(Queue::addQuietly);
        for (StoredMessage m : messages.values()) {
            if (m.wire().destination() != null) {
                m.countIn(usage(m.wire().destination()), m.journaledRefs());
            }
        }
        // 4. Duplicate ids, oldest first, within today's cache sizes.
        for (StoreRecords.DuplicateIdRecord d : r.duplicateIds()) {
            int cacheSize = settings.addressSettings().resolve(d.address().name()).duplicateIdCacheSize();
            for (long evicted : duplicates.add(d.address(), d.duplicateId(), d.id(), cacheSize)) {
                store.deleteDuplicateId(evicted);
            }
        }
        // 5. Messages no reference points at any more.
        for (StoredMessage m : messages.values()) {
            if (m.journaledRefs() == 0) {
                store.deleteOrphan(m.journalId());
                m.discardIfUnused();
            }
        }
        // 6. Prepared XA transactions: in doubt until the transaction manager resolves them.
        for (dev.wharf.journal.PreparedTransaction p : r.prepared()) {
            recoverPrepared(p, byRecord, messages, heldByXa, r.largeBodies());
        }
    }

    /** Rebuilds a prepared XA branch: the sends it stages and the references it acknowledges. */
    private void recoverPrepared(dev.wharf.journal.PreparedTransaction p, Map<Long, Queue> byRecord,
                                 Map<Long, StoredMessage> live, Map<Long, MessageRef> heldByXa,
                                 Map<Long, dev.wharf.server.internal.store.LargeBody> largeBodies) {
        WireXid xid;
        try {
            xid = XaBranches.decode(p.data());
        } catch (RuntimeException e) {
            LOG.error("Prepared journal transaction {} has no readable Xid ({}); it stays in the journal untouched",
                    p.txId(), e.toString());
            return;
        }
        Map<Long, StoredMessage> added = new HashMap<>();
        List<StoreRecords.RefRecord> addedRefs = new ArrayList<>();
        List<DuplicateKey> dups = new ArrayList<>();
        List<Long> dupRecordIds = new ArrayList<>();
        for (dev.wharf.journal.RecordInfo info : p.records()) {
            switch (info.type()) {
                case StoreRecords.MESSAGE -> {
                    StoredMessage m = new StoredMessage(StoreRecords.decodeMessage(info.payload()), null, null);
                    m.journalId(info.id());
                    added.put(info.id(), m);
                }
                case StoreRecords.LARGE_MESSAGE -> {
                    dev.wharf.server.internal.store.LargeBody body = largeBodies.get(info.id());
                    if (body == null) {
                        LOG.error("Prepared transaction {} sends large message record {} whose body is lost; that send is lost",
                                p.txId(), info.id());
                        continue;
                    }
                    StoredMessage m = new StoredMessage(StoreRecords.decodeLargeMessage(info.id(), info.payload()).message(),
                            null, null, body);
                    m.journalId(info.id());
                    added.put(info.id(), m);
                }
                case StoreRecords.REF -> addedRefs.add(StoreRecords.decodeRef(info.id(), info.payload()));
                case StoreRecords.DUPLICATE_ID -> {
                    StoreRecords.DuplicateIdRecord d = StoreRecords.decodeDuplicateId(info.id(), info.payload());
                    int cacheSize = settings.addressSettings().resolve(d.address().name()).duplicateIdCacheSize();
                    dups.add(new DuplicateKey(d.address(), d.duplicateId(), cacheSize));
                    dupRecordIds.add(d.id());
                    duplicates.add(d.address(), d.duplicateId(), d.id(), Math.max(cacheSize, 1));
                }
                default -> LOG.warn("Prepared transaction {} holds a record {} of unexpected type {}", p.txId(), info.id(),
                        info.type());
            }
        }
        List<MessageRef> visible = new ArrayList<>();
        for (StoreRecords.RefRecord ref : addedRefs) {
            StoredMessage m = added.containsKey(ref.messageId()) ? added.get(ref.messageId()) : live.get(ref.messageId());
            Queue queue = byRecord.get(ref.queueId());
            if (m == null || queue == null) {
                LOG.warn("Prepared transaction {} sends to a missing message or queue (reference {}); that send is lost",
                        p.txId(), ref.id());
                continue;
            }
            m.addJournaledRef();
            visible.add(new MessageRef(m, queue, ref.id(), true, Math.max(1, ref.deliveryCount())));
        }
        List<MessageRef> acked = new ArrayList<>();
        for (long id : p.deletedIds()) {
            MessageRef ref = heldByXa.get(id);
            if (ref != null) {
                ref.message().removeJournaledRef();
                acked.add(ref);
            }
        }
        xa.recovered(xid, new StagedTransaction(store.inDoubt(p.txId()), visible, acked, dups, dupRecordIds,
                List.of()));
    }

    /** The XA branches. */
    XaBranches xa() {
        return xa;
    }

    /** Declares a queue (from configuration); creates and journals it if missing. */
    public void declareQueue(String name) {
        if (!queues.containsKey(name)) {
            createQueue(name);
        }
    }

    /** Declares a topic (from configuration). */
    public void declareTopic(String name) {
        topics.computeIfAbsent(name, n -> new Topic(n, false, null));
    }

    private Queue createQueue(String name) {
        Queue q = new Queue(name, Queue.Kind.QUEUE, true, queueContext);
        q.recordId(store.nextId());
        queues.put(name, q);
        store.addQueue(QueueRecord.queue(name).withId(q.recordId()), false).exceptionally(e -> {
            LOG.error("Could not journal queue {}: {}", name, e.toString());
            return null;
        });
        LOG.debug("Created queue {}", name);
        return q;
    }

    // ------------------------------------------------------------------ destinations

    /**
     * The queue for a queue destination, created on first use if allowed.
     *
     * @param consumer the connection that wants to consume from it, or null when sending
     */
    public Queue queue(WireDestination d, BrokerConnection consumer) throws BrokerException {
        if (d.kind() == WireDestination.Kind.QUEUE) {
            Queue q = queues.get(d.name());
            if (q == null) {
                checkAutoCreate(d);
                q = createQueue(d.name());
            }
            return q;
        }
        if (d.kind() == WireDestination.Kind.TEMP_QUEUE) {
            Queue q = tempQueues.get(d.name());
            if (q == null) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "temporary queue " + d.name()
                        + " does not exist (deleted, or its connection closed)");
            }
            if (consumer != null && !consumer.connectionId().equals(tempQueueOwners.get(d.name()))) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "temporary queue " + d.name()
                        + " can only be consumed by the connection that created it");
            }
            return q;
        }
        throw new BrokerException(ErrorCode.INVALID_DESTINATION, d + " is not a queue");
    }

    /** The topic for a topic destination, created on first use if allowed. */
    public Topic topic(WireDestination d, BrokerConnection consumer) throws BrokerException {
        if (d.kind() == WireDestination.Kind.TOPIC) {
            Topic t = topics.get(d.name());
            if (t == null) {
                checkAutoCreate(d);
                t = new Topic(d.name(), false, null);
                topics.put(d.name(), t);
            }
            return t;
        }
        if (d.kind() == WireDestination.Kind.TEMP_TOPIC) {
            Topic t = tempTopics.get(d.name());
            if (t == null) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "temporary topic " + d.name()
                        + " does not exist (deleted, or its connection closed)");
            }
            if (consumer != null && !consumer.connectionId().equals(t.ownerConnectionId())) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "temporary topic " + d.name()
                        + " can only be consumed by the connection that created it");
            }
            return t;
        }
        throw new BrokerException(ErrorCode.INVALID_DESTINATION, d + " is not a topic");
    }

    /** Checks a destination exists or may be created (producers, browsers). */
    public void checkDestination(WireDestination d) throws BrokerException {
        if (d.isQueue()) {
            queue(d, null);
        } else {
            topic(d, null);
        }
    }

    private void checkAutoCreate(WireDestination d) throws BrokerException {
        if (!settings.autoCreateDestinations()) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, (d.isQueue() ? "queue '" : "topic '") + d.name()
                    + "' does not exist and auto-creation is off; declare it in the broker config ("
                    + (d.isQueue() ? "queues" : "topics") + "=...)");
        }
    }

    /**
     * A queue worth watching from outside (JMX): a named queue, or the queue of a durable
     * subscription ({@code topic} set; {@code clientId} null for a shared one without).
     */
    public record Watched(String name, String clientId, String topic, Queue queue) {
    }

    /** The named queues and durable subscriptions; not temporary queues, nor a consumer's own subscription. */
    public List<Watched> watched() {
        List<Watched> out = new ArrayList<>();
        for (Queue q : queues.values()) {
            out.add(new Watched(q.name(), null, null, q));
        }
        for (Subscription s : subscriptions.durable()) {
            out.add(new Watched(s.key().name(), s.key().clientId(), s.topic().name(), s.queue()));
        }
        return out;
    }

    /** Open client connections. */
    public int connectionCount() {
        return connections.size();
    }

    /** Looks up an existing queue by name (tests, administration). */
    public Queue findQueue(String name) {
        return queues.get(name);
    }

    /** Looks up a durable subscription (tests, administration). */
    public Subscription findSubscription(String clientId, String name) {
        return subscriptions.find(clientId, name);
    }

    // ------------------------------------------------------------------ temporary destinations

    public void createTemporary(BrokerConnection owner, WireDestination d) throws BrokerException {
        if (!d.kind().isTemporary()) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, d + " is not a temporary destination");
        }
        if (d.kind() == WireDestination.Kind.TEMP_QUEUE) {
            if (tempQueues.containsKey(d.name())) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "temporary queue " + d.name() + " already exists");
            }
            tempQueues.put(d.name(), new Queue(d.name(), Queue.Kind.TEMP_QUEUE, false, queueContext));
            tempQueueOwners.put(d.name(), owner.connectionId());
        } else {
            if (tempTopics.containsKey(d.name())) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "temporary topic " + d.name() + " already exists");
            }
            tempTopics.put(d.name(), new Topic(d.name(), true, owner.connectionId()));
        }
    }

    /**
     * Deletes a temporary destination of {@code owner}.
     *
     * @param force true when the owner connection closes (consumers are closed by then)
     */
    public void deleteTemporary(BrokerConnection owner, WireDestination d, boolean force) throws BrokerException {
        if (d.kind() == WireDestination.Kind.TEMP_QUEUE) {
            Queue q = tempQueues.get(d.name());
            if (q == null) {
                return;
            }
            if (!owner.connectionId().equals(tempQueueOwners.get(d.name()))) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "temporary queue " + d.name()
                        + " can only be deleted by the connection that created it");
            }
            if (!force && q.consumerCount() > 0) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "temporary queue " + d.name()
                        + " still has consumers; close them before deleting it");
            }
            tempQueues.remove(d.name());
            tempQueueOwners.remove(d.name());
            q.delete();
        } else if (d.kind() == WireDestination.Kind.TEMP_TOPIC) {
            Topic t = tempTopics.get(d.name());
            if (t == null) {
                return;
            }
            if (!owner.connectionId().equals(t.ownerConnectionId())) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "temporary topic " + d.name()
                        + " can only be deleted by the connection that created it");
            }
            if (!force && t.consumerCount() > 0) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "temporary topic " + d.name()
                        + " still has consumers; close them before deleting it");
            }
            tempTopics.remove(d.name());
            t.markDeleted();
            for (Subscription s : new ArrayList<>(t.subscriptions())) {
                subscriptions.delete(s);
            }
        } else {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, d + " is not a temporary destination");
        }
    }

    // ------------------------------------------------------------------ routing and sending

    /** The queues a message goes to now (a topic with no matching subscription: none). */
    public List<Queue> route(StoredMessage m) throws BrokerException {
        WireDestination d = m.wire().destination();
        if (d == null) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "the message has no destination");
        }
        if (d.isQueue()) {
            return List.of(queue(d, null));
        }
        Topic t = topic(d, null);
        List<Queue> out = new ArrayList<>();
        for (Subscription s : t.subscriptions()) {
            if (s.accepts(m)) {
                out.add(s.queue());
            }
        }
        return out;
    }

    private List<MessageRef> refsFor(StoredMessage m, List<Queue> targets) {
        List<MessageRef> refs = new ArrayList<>(targets.size());
        for (Queue q : targets) {
            refs.add(new MessageRef(m, q, store.nextId(), m.wire().isPersistent() && q.isDurable(), 1));
        }
        return refs;
    }

    private static List<MessageRef> journaled(List<MessageRef> refs) {
        List<MessageRef> out = new ArrayList<>();
        for (MessageRef r : refs) {
            if (r.isJournaled()) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Routes a non-transacted send: references are queued at once; the future completes when
     * the journaled part (if any) is forced, which is when the send may be confirmed.
     */
    public CompletableFuture<Void> send(StoredMessage m) throws BrokerException {
        List<Queue> targets = route(m);
        DuplicateKey dup = duplicateKey(m);
        if (dup != null && duplicates.contains(dup.address(), dup.id())) {
            duplicatesDropped++;
            LOG.debug("Dropping duplicate message {} (duplicate id {} on {})", m.wire().messageId(), dup.id(), dup.address());
            return CompletableFuture.completedFuture(null);
        }
        boolean deliverable = !m.wire().isExpired(clock.millis()) && !targets.isEmpty();
        if (!deliverable && dup == null) {
            return CompletableFuture.completedFuture(null);
        }
        List<MessageRef> refs = deliverable ? refsFor(m, targets) : List.of();
        List<MessageRef> journaled = journaled(refs);
        CompletableFuture<Void> stored;
        if (dup == null) {
            stored = journaled.isEmpty() ? CompletableFuture.completedFuture(null) : store.addMessage(m, store.encode(m), journaled);
        } else {
            // The message and its duplicate id become durable together, or neither does.
            byte[] encoded = journaled.isEmpty() ? null : store.encode(m);
            StoreTransaction tx = store.begin();
            if (encoded != null) {
                tx.addMessage(m, encoded, journaled);
            }
            long recordId = remember(tx, dup);
            stored = forgetOnFailure(tx.commit(), List.of(dup), List.of(recordId), task -> scheduler.schedule(0, task));
        }
        if (!refs.isEmpty()) {
            pageIfFull(m);
        }
        m.countIn(usage(m.wire().destination()), refs.size());
        for (MessageRef ref : refs) {
            ref.queue().add(ref);
        }
        return stored;
    }

    /** An address and a producer's duplicate id sent to it. */
    private record DuplicateKey(WireDestination address, String id, int cacheSize) {
    }

    /** The duplicate id of a message, or null when it has none or its address does not detect duplicates. */
    private DuplicateKey duplicateKey(StoredMessage m) {
        Object v = m.wire().properties().get(WharfProperties.DUPLICATE_ID);
        WireDestination address = m.wire().destination();
        if (v == null || address == null) {
            return null;
        }
        int cacheSize = settings.addressSettings().resolve(address.name()).duplicateIdCacheSize();
        if (cacheSize == 0) {
            return null;
        }
        String id = v instanceof byte[] b ? java.util.Base64.getEncoder().encodeToString(b) : String.valueOf(v);
        return new DuplicateKey(address, id, cacheSize);
    }

    /** Stages the DUPLICATE_ID record of {@code dup}, caches it, and drops what the cache evicts; returns its record id. */
    private long remember(StoreTransaction tx, DuplicateKey dup) {
        long recordId = store.nextId();
        tx.addDuplicateId(recordId, dup.address(), dup.id());
        for (long evicted : duplicates.add(dup.address(), dup.id(), recordId, dup.cacheSize())) {
            store.deleteDuplicateId(evicted);
        }
        return recordId;
    }

    /**
     * When {@code stored} fails, forgets the duplicate ids it carried (on the broker thread) before
     * the failure is passed on, so that the producer's retry is not taken for a duplicate.
     */
    private CompletableFuture<Void> forgetOnFailure(CompletableFuture<Void> stored, List<DuplicateKey> dups,
                                                    List<Long> recordIds, java.util.concurrent.Executor brokerThread) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        stored.whenComplete((v, e) -> {
            if (e == null) {
                done.complete(null);
                return;
            }
            brokerThread.execute(() -> {
                for (int i = 0; i < dups.size(); i++) {
                    duplicates.remove(dups.get(i).address(), dups.get(i).id(), recordIds.get(i));
                }
                done.completeExceptionally(e);
            });
        });
        return done;
    }

    /** Messages dropped as duplicates since the start. */
    public long duplicatesDroppedCount() {
        return duplicatesDropped;
    }

    /** Validates a send to be staged in a transaction (destination, size). */
    public void validateStaged(StoredMessage m) throws BrokerException {
        route(m);
        if (m.wire().isPersistent()) {
            // Checked now so that the send fails, not the commit; encoded at the commit.
            store.checkEncodable(m);
        }
    }

    /**
     * Commits a local transaction: stages its sends (routed now) and acknowledgements in the
     * journal, forces, and only then, on the broker thread, makes the sends visible.
     *
     * @param executorHop runs a task on the broker thread
     */
    public CompletableFuture<Void> commit(List<StoredMessage> sends, List<MessageRef> acked,
                                          java.util.concurrent.Executor executorHop) {
        StagedTransaction st;
        try {
            st = stage(sends, acked);
        } catch (BrokerException e) {
            discardUnused(sends);
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = forgetOnFailure(st.tx().commit(), st.dups(), st.dupRecordIds(), executorHop)
                .thenRunAsync(() -> applyCommitted(st), executorHop);
        return discardOnFailure(done, st, executorHop);
    }

    /**
     * {@code done}, which ends {@code st}; if it fails, the transaction is gone from memory all
     * the same, and its sends' staged bytes (and large bodies) go back on the broker thread.
     */
    CompletableFuture<Void> discardOnFailure(CompletableFuture<Void> done, StagedTransaction st,
                                             java.util.concurrent.Executor executorHop) {
        done.whenComplete((v, e) -> {
            if (e != null) {
                executorHop.execute(() -> discardUnused(st.sends()));
            }
        });
        return done;
    }

    /**
     * Sends whose transaction ended: their staged bytes go back to their addresses (letting held
     * producers go), and the body files of large ones that no queue references are released.
     * Idempotent.
     */
    void discardUnused(Collection<StoredMessage> messages) {
        for (StoredMessage m : messages) {
            m.discardIfUnused();
            AddressUsage u = m.unstage();
            if (u != null) {
                afterRelease(u);
            }
        }
    }

    /**
     * A transaction's work staged in a journal transaction: the references its sends will add
     * (routed at staging), the references it acknowledges (out of their queues already), and the
     * duplicate ids it carries, and the sends themselves, whose staged bytes go back when it ends
     * (none for a transaction recovered from the journal).
     */
    record StagedTransaction(StoreTransaction tx, List<MessageRef> visible, List<MessageRef> acked,
                             List<DuplicateKey> dups, List<Long> dupRecordIds, List<StoredMessage> sends) {
    }

    /**
     * Stages sends and acknowledgements in a new journal transaction, which the caller commits
     * or prepares; then {@link #applyCommitted} or {@link #applyRolledBack}.
     *
     * @throws BrokerException TRANSACTION_ROLLED_BACK for a duplicate id, or a message that
     *     cannot be stored; nothing is staged then
     */
    StagedTransaction stage(List<StoredMessage> sends, List<MessageRef> acked) throws BrokerException {
        List<DuplicateKey> dups = new ArrayList<>();
        Set<DuplicateKey> inThisTransaction = new java.util.HashSet<>();
        for (StoredMessage m : sends) {
            DuplicateKey dup = duplicateKey(m);
            if (dup != null) {
                if (duplicates.contains(dup.address(), dup.id()) || !inThisTransaction.add(dup)) {
                    duplicatesDropped++;
                    throw new BrokerException(ErrorCode.TRANSACTION_ROLLED_BACK,
                            "duplicate message: " + WharfProperties.DUPLICATE_ID + " '" + dup.id() + "' was already sent to "
                                    + WharfProperties.describe(dup.address()));
                }
                dups.add(dup);
            }
        }
        StoreTransaction tx = store.begin();
        List<MessageRef> visible = new ArrayList<>();
        long now = clock.millis();
        for (StoredMessage m : sends) {
            List<Queue> targets;
            try {
                targets = route(m);
            } catch (BrokerException e) {
                LOG.debug("Dropping a committed message for {}: {}", m.wire().destination(), e.getMessage());
                continue;
            }
            if (m.wire().isExpired(now) || targets.isEmpty()) {
                continue;
            }
            List<MessageRef> refs = refsFor(m, targets);
            List<MessageRef> journaled = journaled(refs);
            if (!journaled.isEmpty()) {
                try {
                    tx.addMessage(m, store.encode(m), journaled);
                } catch (BrokerException e) {
                    tx.rollback();
                    throw e;
                }
            }
            visible.addAll(refs);
        }
        for (MessageRef ref : acked) {
            ref.queue().settled(ref);
            tx.removeRef(ref);
        }
        List<Long> recordIds = new ArrayList<>();
        for (DuplicateKey dup : dups) {
            recordIds.add(remember(tx, dup));
        }
        return new StagedTransaction(tx, visible, List.copyOf(acked), dups, recordIds, List.copyOf(sends));
    }

    /** The staged transaction committed: its sends become visible, its acknowledgements final. */
    void applyCommitted(StagedTransaction st) {
        Map<StoredMessage, Integer> refsPerMessage = new LinkedHashMap<>();
        for (MessageRef ref : st.visible()) {
            refsPerMessage.merge(ref.message(), 1, Integer::sum);
        }
        refsPerMessage.forEach((m, n) -> {
            // From staged to routed: counted by its references from now on.
            m.unstage();
            pageIfFull(m);
            m.countIn(usage(m.wire().destination()), n);
        });
        // Sends no queue took (not routed, expired) give their bytes and large bodies back.
        discardUnused(st.sends());
        for (MessageRef ref : st.acked()) {
            released(ref);
            recordGoneIfLast(ref);
        }
        for (MessageRef ref : st.visible()) {
            ref.queue().add(ref);
        }
    }

    /** After a forced commit that removed {@code ref}: a large message whose record went with it may give its file back. */
    private static void recordGoneIfLast(MessageRef ref) {
        if (ref.isJournaled() && ref.message().isLarge() && ref.message().journaledRefs() == 0) {
            ref.message().journalRecordGone();
        }
    }

    /**
     * The staged transaction rolled back (its journal transaction is discarded by the caller):
     * its sends are forgotten with their duplicate ids, its acknowledged references go back to
     * their queues, redelivered.
     */
    void applyRolledBack(StagedTransaction st) {
        for (int i = 0; i < st.dups().size(); i++) {
            duplicates.remove(st.dups().get(i).address(), st.dups().get(i).id(), st.dupRecordIds().get(i));
        }
        for (MessageRef ref : st.acked()) {
            if (ref.isJournaled()) {
                ref.message().addJournaledRef();
            }
        }
        for (MessageRef ref : st.visible()) {
            ref.message().discardIfUnused();
        }
        discardUnused(st.sends());
        returnRefs(st.acked(), true);
    }

    /** Forgets an acknowledged reference; the future completes when the deletion is durable (if asked). */
    public CompletableFuture<Void> acknowledge(MessageRef ref, boolean durable) {
        ref.queue().settled(ref);
        released(ref);
        return store.removeRef(ref, durable);
    }

    /**
     * Puts delivered references back in their queues, ahead of later messages in their original
     * order; {@code redelivered} raises their delivery count.
     */
    public void returnRefs(Collection<MessageRef> refs, boolean redelivered) {
        if (redelivered) {
            returnRefs(refs, List.of());
        } else {
            returnRefs(List.of(), refs);
        }
    }

    /**
     * Puts delivered references back in their queues in one batch, each queue dispatching once
     * after all are back (so they keep their original order): {@code redelivered} ones with their
     * delivery count raised, {@code released} ones unchanged.
     */
    public void returnRefs(Collection<MessageRef> redelivered, Collection<MessageRef> released) {
        for (Queue q : returnRefsQuietly(redelivered, released)) {
            q.dispatch();
        }
    }

    /**
     * Like {@link #returnRefs(Collection, Collection)} but without dispatching; returns the queues
     * the caller must dispatch (after answering the request, so the answer comes first).
     */
    public Collection<Queue> returnRefsQuietly(Collection<MessageRef> redelivered, Collection<MessageRef> released) {
        Map<Queue, List<MessageRef>> byQueue = new LinkedHashMap<>();
        long now = clock.millis();
        for (MessageRef ref : redelivered) {
            int attempts = ref.deliveryCount();
            AddressSettings s = settingsOf(ref);
            if (s.attemptsExhausted(attempts)) {
                MessageRef moved = deadLetter(ref, s, attempts);
                if (moved != null) {
                    byQueue.computeIfAbsent(moved.queue(), q -> new ArrayList<>()).add(moved);
                    continue;
                }
            }
            ref.incrementDeliveryCount();
            long delay = s.redeliveryDelayAfter(attempts);
            ref.notBefore(delay > 0 ? now + delay : 0);
            store.updateDeliveryCount(ref);
            byQueue.computeIfAbsent(ref.queue(), q -> new ArrayList<>()).add(ref);
        }
        for (MessageRef ref : released) {
            byQueue.computeIfAbsent(ref.queue(), q -> new ArrayList<>()).add(ref);
        }
        byQueue.forEach(Queue::addQuietly);
        return byQueue.keySet();
    }

    /** The settings of the address a reference's message was sent to. */
    private AddressSettings settingsOf(MessageRef ref) {
        WireDestination d = ref.message().wire().destination();
        return settings.addressSettings().resolve(d == null ? ref.queue().name() : d.name());
    }

    /**
     * Moves a reference that used up its delivery attempts to its dead-letter queue; returns the
     * new reference (added to that queue without dispatching), or null when the message stays
     * where it is (it is already in its dead-letter queue, or the move failed).
     */
    private MessageRef deadLetter(MessageRef ref, AddressSettings s, int attempts) {
        String reason = "delivered " + attempts + " times, max-delivery-attempts is " + s.maxDeliveryAttempts();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(WharfProperties.DELIVERY_ATTEMPTS, attempts);
        extra.put(WharfProperties.MOVE_REASON, reason);
        MessageRef moved = move(ref, s.deadLetterAddress(), extra, false);
        if (moved != null) {
            deadLettered++;
            LOG.debug("Dead-lettered message {} from {} to {}: {}", ref.message().wire().messageId(), ref.queue().name(),
                    s.deadLetterAddress(), reason);
        }
        return moved;
    }

    /** An expired reference, already out of its queue: to the expiry queue if there is one, else dropped. */
    private void expired(MessageRef ref) {
        String target = settingsOf(ref).expiryQueue();
        if (target != null) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put(WharfProperties.ORIGINAL_EXPIRATION, ref.message().wire().expiration());
            extra.put(WharfProperties.MOVE_REASON, "expired");
            MessageRef moved = move(ref, target, extra, true);
            if (moved != null) {
                moved.queue().add(moved);
                return;
            }
        }
        dropped(ref);
    }

    // ------------------------------------------------------------------ administration

    /**
     * How many messages one call of {@link #removeMessages} or {@link #retryMessages} handles at
     * most, so that the broker thread serves everything else between two calls.
     */
    public static final int ADMIN_BATCH = 10_000;

    /**
     * Drops up to {@code max} waiting messages of {@code q} that match {@code selectorText} (null
     * or empty: all); messages delivered and not yet acknowledged stay. Returns how many went.
     *
     * @throws BrokerException if the selector is not valid
     */
    public int removeMessages(Queue q, String selectorText, int max) throws BrokerException {
        Selector selector = SelectorSupport.parse(selectorText);
        List<MessageRef> taken = q.takeWaiting(ref -> SelectorSupport.matches(selector, ref), max);
        taken.forEach(this::dropped);
        if (!taken.isEmpty()) {
            LOG.info("Removed {} messages from {}", taken.size(), q.name());
        }
        return taken.size();
    }

    /**
     * Sends up to {@code max} waiting messages of a dead-letter or expiry queue back to the queue
     * or durable subscription they were moved from ({@link WharfProperties#ORIGINAL_QUEUE}), each
     * with a fresh delivery count; a message whose origin is gone, or that was never moved, stays.
     * Returns how many went back.
     */
    public int retryMessages(Queue q, int max) {
        int n = 0;
        List<MessageRef> stay = new ArrayList<>();
        // Each reference's target, found once: by the test that takes it.
        Map<MessageRef, Queue> targets = new java.util.IdentityHashMap<>();
        List<MessageRef> taken = q.takeWaiting(ref -> {
            Queue target = retryTarget(ref, q);
            if (target != null) {
                targets.put(ref, target);
            }
            return target != null;
        }, max);
        for (MessageRef ref : taken) {
            Queue target = targets.get(ref);
            MessageRef moved = move(ref, target, destinationOf(target), Map.of(), false);
            if (moved == null) {
                stay.add(ref);
            } else {
                target.add(moved);
                n++;
            }
        }
        q.addQuietly(stay);
        if (n > 0) {
            LOG.info("Sent {} messages from {} back to where they came from", n, q.name());
        }
        return n;
    }

    /** Where {@link #retryMessages} sends {@code ref} of {@code q}, or null. */
    private Queue retryTarget(MessageRef ref, Queue q) {
        Object origin = ref.message().wire().properties().get(WharfProperties.ORIGINAL_QUEUE);
        Queue target = origin instanceof String name ? retryTarget(name) : null;
        return target == q ? null : target;
    }

    private Queue retryTarget(String queueName) {
        Queue named = queues.get(queueName);
        if (named != null) {
            return named;
        }
        for (Subscription s : subscriptions.durable()) {
            if (s.queue().name().equals(queueName)) {
                return s.queue();
            }
        }
        return null;
    }

    /** The destination a message in {@code q} has: the queue, or the topic of a durable subscription's queue. */
    private WireDestination destinationOf(Queue q) {
        for (Subscription s : subscriptions.durable()) {
            if (s.queue() == q) {
                return WireDestination.topic(s.topic().name());
            }
        }
        return WireDestination.queue(q.name());
    }

    /**
     * Copies a reference's message to the queue {@code targetName} (created if missing, whatever
     * auto-creation says) with {@code extra} properties and the original destination, and removes
     * the reference, both in one journal transaction. Returns the new reference, not yet added to
     * its queue, or null if the target is the reference's own queue or the copy cannot be stored.
     */
    private MessageRef move(MessageRef ref, String targetName, Map<String, Object> extra, boolean clearExpiration) {
        Queue target = queues.get(targetName);
        if (target == ref.queue()) {
            return null;
        }
        if (target == null) {
            target = createQueue(targetName);
        }
        return move(ref, target, WireDestination.queue(targetName), extra, clearExpiration);
    }

    /** {@link #move(MessageRef, String, Map, boolean)} to {@code target}, the copy's destination {@code destination}. */
    private MessageRef move(MessageRef ref, Queue target, WireDestination destination, Map<String, Object> extra,
                            boolean clearExpiration) {
        String targetName = target.name();
        WireMessage w = ref.message().fullWire();
        Map<String, Object> props = new LinkedHashMap<>(w.properties());
        if (w.destination() != null) {
            props.put(WharfProperties.ORIGINAL_DESTINATION, WharfProperties.describe(w.destination()));
        }
        props.put(WharfProperties.ORIGINAL_QUEUE, ref.queue().name());
        props.putAll(extra);
        WireMessage copy = w.withDestination(destination).withProperties(props);
        if (clearExpiration) {
            copy = copy.withExpiration(0);
        }
        dev.wharf.server.internal.store.LargeBody large = ref.message().large();
        if (large != null) {
            // The copy shares the original's body file; each holds it until its last reference goes.
            large.acquire();
        }
        StoredMessage m = new StoredMessage(copy, ref.message().senderConnectionId(), ref.message().senderClientId(), large);
        MessageRef moved = new MessageRef(m, target, store.nextId(), copy.isPersistent() && target.isDurable(), 1);
        StoreTransaction tx = store.begin();
        if (moved.isJournaled()) {
            try {
                tx.addMessage(m, store.encode(m), List.of(moved));
            } catch (BrokerException e) {
                LOG.warn("Could not move message {} from {} to {}: {}", w.messageId(), ref.queue().name(), targetName,
                        e.getMessage());
                tx.rollback();
                m.discardIfUnused();
                return null;
            }
        }
        ref.queue().settled(ref);
        tx.removeRef(ref);
        released(ref);
        m.countIn(usage(copy.destination()), 1);
        tx.commit().whenComplete((v, e) -> {
            if (e != null) {
                LOG.error("Could not journal the move of message {} from {} to {}: {}", w.messageId(), ref.queue().name(),
                        targetName, e.toString());
            } else if (ref.message().isLarge()) {
                scheduler.schedule(0, () -> recordGoneIfLast(ref));
            }
        });
        return moved;
    }

    // ------------------------------------------------------------------ memory limits

    /** What {@link #admit} decided for a non-transacted send. */
    public enum Admission {
        /** Send it now. */
        SEND,
        /** The address is full and drops: answer OK, send nothing. */
        DROPPED,
        /** The address is full and blocks: the broker answers when it sends it, or fails it after the block timeout. */
        HELD
    }

    private AddressUsage usage(WireDestination d) {
        return usage.computeIfAbsent(d, a -> new AddressUsage(a, totalUsage));
    }

    /** Whether the bytes of all addresses together reached {@code global.max.size}. */
    private boolean globallyFull() {
        long g = settings.globalMaxSize();
        return g >= 0 && totalUsage.bytes() >= g;
    }

    /**
     * Whether paging is full: the headers of paged messages stay in memory, so under PAGE a
     * backlog that grows without end would still fill the heap. Once all addresses together hold
     * twice {@code global.max.size} (the paged messages' headers filled another one), sends to
     * PAGE addresses are held as under BLOCK until consumers make room. Never with
     * {@code global.max.size} -1.
     */
    private boolean pagingFull() {
        long g = settings.globalMaxSize();
        boolean full = g >= 0 && totalUsage.bytes() >= 2 * g;
        if (full != pagingWasFull) {
            pagingWasFull = full;
            // At the edge it may change with every send and acknowledgement: at most one warning a minute.
            long now = clock.millis();
            if (full && now - pagingFullWarnedAt >= 60_000) {
                pagingFullWarnedAt = now;
                pagingFullWarned = true;
                LOG.warn("Wharf broker {}: paged messages fill the heap set aside for them ({} bytes held by all addresses,"
                        + " headers of {} paged messages included; twice global.max.size {}): sends to PAGE addresses are held"
                        + " until consumers make room", settings.brokerName(), totalUsage.bytes(), pagingStats()[0], g);
            } else if (!full && pagingFullWarned) {
                pagingFullWarned = false;
                LOG.info("Wharf broker {}: consumers made room; sends to PAGE addresses go again", settings.brokerName());
            }
        }
        return full;
    }

    /** Whether {@code u}'s held sends may go: its address has room by its own policy and limits. */
    private boolean hasRoom(AddressUsage u) {
        AddressSettings s = settings.addressSettings().resolve(u.address().name());
        if (s.fullPolicy() == AddressSettings.FullPolicy.PAGE && pages != null) {
            return !pagingFull();
        }
        long limit = s.memoryLimit();
        return (limit < 0 || u.bytes() < limit) && !globallyFull();
    }

    /** Message bytes all addresses hold now (each message once). */
    public long totalBytes() {
        return totalUsage.bytes();
    }

    /**
     * Decides whether a non-transacted send may go now: yes unless its address is over its
     * {@code max-size-bytes}, all addresses together are over {@code global.max.size}, or the
     * address already holds sends; then, by the address's policy, it fails (RESOURCE_ALLOCATION),
     * is dropped, or is held until consumers make room, the sending connection being told to hold
     * its further sends ({@code ADDRESS_FLOW}). A HELD send is later passed to
     * {@link BrokerConnection#sendHeld} or {@link BrokerConnection#failHeld}. Under PAGE it goes,
     * and its body is paged ({@link #pageIfFull}).
     */
    public Admission admit(BrokerConnection conn, long corr, StoredMessage m) throws BrokerException {
        WireDestination d = m.wire().destination();
        if (d == null) {
            return Admission.SEND;
        }
        AddressSettings s = settings.addressSettings().resolve(d.name());
        Full f = full(d, s);
        if (f == null) {
            return Admission.SEND;
        }
        AddressUsage u = f.usage();
        String full = f.what();
        String advice = f.advice();
        switch (s.fullPolicy()) {
            case FAIL -> throw new BrokerException(ErrorCode.RESOURCE_ALLOCATION, full + "; the message was not sent." + advice);
            case DROP -> {
                droppedWhileFull++;
                LOG.debug("Dropping message {}: {}", m.wire().messageId(), full);
                return Admission.DROPPED;
            }
            default -> {
                long timeout = s.blockTimeoutMillis();
                AddressUsage.Held[] held = new AddressUsage.Held[1];
                Scheduler.Cancellable timer = scheduler.schedule(timeout, () -> {
                    if (u.held().remove(held[0])) {
                        m.discardIfUnused();
                        conn.failHeld(corr, full + " for " + timeout + " ms (block-timeout-ms); the message was not sent."
                                + advice);
                        afterRelease(u);
                    }
                });
                held[0] = new AddressUsage.Held(conn, corr, m, timer);
                u.held().add(held[0]);
                holdSends(conn, u);
                return Admission.HELD;
            }
        }
    }

    /** Tells {@code conn} to hold its sends to the full address {@code u} until {@link #drain} finds room. */
    private void holdSends(BrokerConnection conn, AddressUsage u) {
        waiting.add(u);
        if (u.blockedConnections().add(conn)) {
            conn.addressFlow(u.address(), true);
        }
    }

    /** Why an address takes no more for now: its usage, what is full, and what to do. */
    private record Full(AddressUsage usage, String what, String advice) {
    }

    /**
     * Null when a send to {@code d} may go now (or pages, under PAGE): its address is under its
     * {@code max-size-bytes}, all addresses together are under {@code global.max.size}, and the
     * address holds no earlier sends.
     */
    private Full full(WireDestination d, AddressSettings s) {
        long limit = s.memoryLimit();
        AddressUsage existing = usage.get(d);
        boolean addressFull = limit >= 0 && existing != null && existing.bytes() >= limit;
        boolean globalFull = globallyFull();
        boolean holding = existing != null && !existing.held().isEmpty();
        if (s.fullPolicy() == AddressSettings.FullPolicy.PAGE && pages != null) {
            if (!holding && !pagingFull()) {
                return null;
            }
            return new Full(usage(d), "the broker's paged messages fill the heap set aside for them ("
                    + totalUsage.bytes() + " message bytes held by all addresses, the headers of paged messages included;"
                    + " twice global.max.size " + settings.globalMaxSize() + ")",
                    " Consumers are not keeping up: retry later, or raise global.max.size (and the broker's heap)");
        }
        if (!addressFull && !globalFull && !holding) {
            return null;
        }
        AddressUsage u = usage(d);
        if (addressFull || (holding && !globalFull && limit >= 0)) {
            return new Full(u, "address " + WharfProperties.describe(d) + " is full (" + u.bytes()
                    + " bytes held, max-size-bytes " + limit + ")",
                    " Consumers are not keeping up: retry later, or raise max-size-bytes");
        }
        return new Full(u, "the broker is full (" + totalUsage.bytes() + " message bytes held by all addresses,"
                + " global.max.size " + settings.globalMaxSize() + ")",
                " Consumers are not keeping up: retry later, or raise global.max.size (and the broker's heap)");
    }

    /**
     * Decides whether a send of a transaction may be staged, by the same limits as {@link #admit}:
     * under FAIL it is refused (RESOURCE_ALLOCATION; the client's commit then fails), under DROP
     * it is confirmed and dropped (false), under BLOCK it is staged and the sending connection is
     * told to hold its further sends to the address ({@code ADDRESS_FLOW}) until consumers make
     * room, so a transacted producer overshoots the limit by at most the sends it had in flight.
     * Under BLOCK a send is refused as under FAIL when the transaction's own uncommitted sends
     * ({@code staged}) fill the limit: no consumer can make room for them before the commit, so
     * holding the producer would only make it wait for its timeout.
     *
     * <p>A staged send counts against its address (and {@code global.max.size}) until its
     * transaction ends, as a routed message does; whoever ends the transaction gives the bytes
     * back ({@link #discardUnused}, or {@link #applyCommitted} through the references it adds).
     * A staged send is not held here: the COMMIT behind it on the connection must find it staged.
     */
    public boolean admitStaged(BrokerConnection conn, List<StoredMessage> staged, StoredMessage m) throws BrokerException {
        WireDestination d = m.wire().destination();
        if (d == null) {
            return true;
        }
        AddressSettings s = settings.addressSettings().resolve(d.name());
        Full f = full(d, s);
        if (f != null) {
            switch (s.fullPolicy()) {
                case FAIL -> throw new BrokerException(ErrorCode.RESOURCE_ALLOCATION, f.what()
                        + "; the message was not sent and the transaction cannot commit." + f.advice());
                case DROP -> {
                    droppedWhileFull++;
                    LOG.debug("Dropping message {} of a transaction: {}", m.wire().messageId(), f.what());
                    return false;
                }
                default -> {
                    String own = filledByOwnSends(d, s, staged);
                    if (own != null) {
                        throw new BrokerException(ErrorCode.RESOURCE_ALLOCATION, own);
                    }
                    holdSends(conn, f.usage());
                }
            }
        }
        // Under PAGE, a send staged while the address is full waits for its commit on disk.
        pageIfFull(m);
        m.stageIn(usage(d));
        return true;
    }

    /**
     * Why the uncommitted sends in {@code staged} alone fill {@code d}'s {@code max-size-bytes} or
     * the broker's {@code global.max.size}, or null when they do not.
     */
    private String filledByOwnSends(WireDestination d, AddressSettings s, List<StoredMessage> staged) {
        long toAddress = 0;
        long toAll = 0;
        for (StoredMessage m : staged) {
            toAll += m.stagedBytes();
            if (d.equals(m.wire().destination())) {
                toAddress += m.stagedBytes();
            }
        }
        boolean paging = s.fullPolicy() == AddressSettings.FullPolicy.PAGE && pages != null;
        // Under PAGE the address's own limit only pages; what holds a PAGE send is paging full (twice global.max.size).
        long limit = paging ? -1 : s.memoryLimit();
        long global = paging && settings.globalMaxSize() >= 0 ? 2 * settings.globalMaxSize() : settings.globalMaxSize();
        String what;
        if (limit >= 0 && toAddress >= limit) {
            what = "address " + WharfProperties.describe(d) + " (" + toAddress + " bytes, max-size-bytes " + limit + ")";
        } else if (global >= 0 && toAll >= global) {
            what = "the broker (" + toAll + " bytes, " + (paging ? "twice global.max.size " + settings.globalMaxSize() : "global.max.size " + global) + ")";
        } else {
            return null;
        }
        return "the uncommitted sends of this transaction alone fill " + what
                + ", and no consumer can make room for them before the commit; the message was not sent and the"
                + " transaction cannot commit. Commit in smaller transactions, or raise the limit";
    }

    /**
     * Under the PAGE policy, a message for an address at or over its {@code max-size-bytes} keeps
     * only its headers in memory; its body goes to a page file until it is delivered. (A
     * non-transacted message is journaled by now; a staged send is journaled at its commit, its
     * body read back from the page file.)
     */
    private void pageIfFull(StoredMessage m) {
        WireDestination d = m.wire().destination();
        if (pages == null || d == null) {
            return;
        }
        AddressSettings s = settings.addressSettings().resolve(d.name());
        long limit = s.memoryLimit();
        AddressUsage u = usage.get(d);
        if (s.fullPolicy() == AddressSettings.FullPolicy.PAGE
                && ((limit >= 0 && u != null && u.bytes() >= limit) || globallyFull())) {
            try {
                m.pageOut(pages, usage(d).address());
            } catch (java.io.UncheckedIOException e) {
                LOG.warn("Could not page out message {} of {}; it stays in memory: {}", m.wire().messageId(),
                        WharfProperties.describe(d), e.getMessage());
            }
        }
    }

    /** Paging: bodies on disk, their bytes, and page files; zeros without a page store. */
    public long[] pagingStats() {
        return pages == null ? new long[3] : new long[] {pages.pagedBodies(), pages.bytesOnDisk(), pages.files()};
    }

    /** One reference of a message is gone: give its bytes back with the last one. */
    private void released(MessageRef ref) {
        AddressUsage u = ref.message().refGone();
        if (u != null) {
            afterRelease(u);
        }
    }

    /** Lets held sends go once there is room, after the current task (never inside a queue's dispatch). */
    private void afterRelease(AddressUsage u) {
        if (!u.held().isEmpty() || !u.blockedConnections().isEmpty()) {
            if (!u.drainScheduled()) {
                u.drainScheduled(true);
                scheduler.schedule(0, () -> drain(u));
            }
        } else {
            waiting.remove(u);
            if (u.bytes() <= 0 && usage.get(u.address()) == u) {
                usage.remove(u.address());
            }
        }
        if (!waiting.isEmpty() && !drainAllScheduled && (!globallyFull() || pages != null && !pagingFull() && pagingHeld())) {
            drainAllScheduled = true;
            scheduler.schedule(0, () -> {
                drainAllScheduled = false;
                for (AddressUsage w : new ArrayList<>(waiting)) {
                    drain(w);
                }
            });
        }
    }

    /** Whether some address waiting for room is a PAGE address (held because paging is full). */
    private boolean pagingHeld() {
        for (AddressUsage w : waiting) {
            if (settings.addressSettings().resolve(w.address().name()).fullPolicy() == AddressSettings.FullPolicy.PAGE) {
                return true;
            }
        }
        return false;
    }

    private void drain(AddressUsage u) {
        u.drainScheduled(false);
        while (!u.held().isEmpty() && hasRoom(u)) {
            AddressUsage.Held h = u.held().poll();
            h.timeout().cancel();
            h.connection().sendHeld(h.correlationId(), h.message());
        }
        if (u.held().isEmpty() && hasRoom(u)) {
            for (BrokerConnection c : u.blockedConnections()) {
                c.addressFlow(u.address(), false);
            }
            u.blockedConnections().clear();
        }
        if (u.held().isEmpty() && u.blockedConnections().isEmpty()) {
            waiting.remove(u);
        }
    }

    /** Message bytes an address holds now (each message once). */
    public long addressBytes(WireDestination d) {
        AddressUsage u = usage.get(d);
        return u == null ? 0 : u.bytes();
    }

    /** Messages dropped because their address was full (policy DROP) since the start. */
    public long droppedWhileFullCount() {
        return droppedWhileFull;
    }

    /** Messages moved to a dead-letter queue since the start. */
    public long deadLetteredCount() {
        return deadLettered;
    }

    /** A reference left its queue without delivery (expired, queue deleted). */
    private void dropped(MessageRef ref) {
        released(ref);
        store.removeRef(ref, false).exceptionally(e -> {
            LOG.warn("Could not delete dropped reference {}: {}", ref, e.toString());
            return null;
        });
    }

    // ------------------------------------------------------------------ subscriptions

    /** A subscription and the future of its journal record (completed when nothing was stored). */
    public record Subscribed(Subscription subscription, CompletableFuture<Void> stored) {
    }

    /** Finds or creates the subscription a topic consumer reads from; see {@link Subscriptions#subscribe}. */
    public Subscribed subscribe(BrokerConnection conn, Topic topic, SubscriptionKind kind, String name,
                                String selectorText, boolean noLocal, long consumerId) throws BrokerException {
        return subscriptions.subscribe(conn, topic, kind, name, selectorText, noLocal, consumerId);
    }

    /** A consumer of a subscription closed: non-durable subscriptions go with their last consumer. */
    public void consumerClosed(Subscription s) {
        subscriptions.consumerClosed(s);
    }

    /** Deletes a durable subscription; see {@link Subscriptions#unsubscribe}. */
    public CompletableFuture<Void> unsubscribe(BrokerConnection conn, String name) throws BrokerException {
        return subscriptions.unsubscribe(conn, name);
    }

    // ------------------------------------------------------------------ housekeeping

    /** How often waiting messages are checked for expiry when no consumer looks at them. */
    public static final long EXPIRY_SWEEP_MILLIS = 10_000;

    /** Starts the periodic expiry sweep (every {@link #EXPIRY_SWEEP_MILLIS}) on the broker thread. */
    public void startExpirySweep() {
        scheduler.schedule(EXPIRY_SWEEP_MILLIS, () -> {
            sweepExpired();
            startExpirySweep();
        });
    }

    /** How often consumers are checked for slowness. */
    public static final long SLOW_CONSUMER_CHECK_MILLIS = 1_000;

    /** Starts the periodic slow-consumer check (every {@link #SLOW_CONSUMER_CHECK_MILLIS}) on the broker thread. */
    public void startSlowConsumerCheck() {
        scheduler.schedule(SLOW_CONSUMER_CHECK_MILLIS, () -> {
            checkSlowConsumers();
            startSlowConsumerCheck();
        });
    }

    /** Checks every connection's consumers; see {@link BrokerConnection#checkSlowConsumers}. */
    public void checkSlowConsumers() {
        long now = clock.millis();
        for (BrokerConnection c : List.copyOf(connections)) {
            slowConsumers += c.checkSlowConsumers(now);
        }
    }

    /** Consumers found slow since the start (each slow spell once). */
    public long slowConsumerCount() {
        return slowConsumers;
    }

    /** Drops expired messages waiting in every queue and subscription; returns how many. */
    public int sweepExpired() {
        int n = 0;
        for (Queue q : queues.values()) {
            n += q.removeExpired();
        }
        for (Queue q : tempQueues.values()) {
            n += q.removeExpired();
        }
        for (Topic t : topics.values()) {
            for (Subscription s : t.subscriptions()) {
                n += s.queue().removeExpired();
            }
        }
        for (Topic t : tempTopics.values()) {
            for (Subscription s : t.subscriptions()) {
                n += s.queue().removeExpired();
            }
        }
        if (n > 0) {
            LOG.debug("Expiry sweep dropped {} messages", n);
        }
        return n;
    }

    // ------------------------------------------------------------------ connections and client ids

    public void register(BrokerConnection conn) {
        connections.add(conn);
    }

    public void unregister(BrokerConnection conn) {
        connections.remove(conn);
        xa.connectionClosed(conn);
        for (AddressUsage u : usage.values()) {
            u.blockedConnections().remove(conn);
            u.held().removeIf(h -> {
                if (h.connection() == conn) {
                    h.timeout().cancel();
                    return true;
                }
                return false;
            });
            if (u.held().isEmpty() && u.blockedConnections().isEmpty()) {
                waiting.remove(u);
            }
        }
        if (conn.clientId() != null && clientIds.get(conn.clientId()) == conn) {
            clientIds.remove(conn.clientId());
        }
    }

    /** Claims a client id for a connection: INVALID_CLIENT_ID if another live connection has it. */
    public void claimClientId(BrokerConnection conn, String clientId) throws BrokerException {
        if (clientId == null || clientId.isEmpty()) {
            throw new BrokerException(ErrorCode.INVALID_CLIENT_ID, "the client id must not be empty");
        }
        BrokerConnection holder = clientIds.get(clientId);
        if (holder != null && holder != conn) {
            throw new BrokerException(ErrorCode.INVALID_CLIENT_ID, "client id '" + clientId
                    + "' is already in use by another connection");
        }
        clientIds.put(clientId, conn);
    }

    public List<BrokerConnection> connections() {
        return List.copyOf(connections);
    }
}
