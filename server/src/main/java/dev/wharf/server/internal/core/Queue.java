package dev.wharf.server.internal.core;

import dev.wharf.server.selector.Selector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A queue of message references: a JMS queue, a temporary queue, or the queue behind one topic
 * subscription. Holds the references not currently delivered in {@link MessageRef#ORDER}
 * (priority, then arrival), and dispatches them round-robin to the consumers that have credit
 * and whose selector accepts them; a message no ready consumer accepts stays where it is for
 * the next one.
 *
 * <p>Delivery delay: a reference whose {@code deliveryTime} (or redelivery delay,
 * {@link MessageRef#notBefore()}) is in the future is skipped and the queue schedules a wake-up
 * for it. Expiry: an expired reference met while dispatching or
 * browsing is removed, counted, and reported to the {@link QueueContext.DropListener}.
 *
 * <p>Message groups: the first message of a group ({@code JMSXGroupID}) pins the group to the
 * consumer it goes to; later ones wait for that consumer, so each group stays in order while
 * several consumers share the queue. A closed consumer's groups move to whoever takes their next
 * message; a message with {@code JMSXGroupSeq} -1 ends its group's pinning.
 *
 * <p>Not thread-safe. All broker state, every queue included, is confined to the single broker
 * thread; that thread is the "one task at a time" of each queue, so no locks are needed and
 * nothing can deadlock.
 */
public final class Queue {

    /** What a queue is for. */
    public enum Kind { QUEUE, TEMP_QUEUE, SUBSCRIPTION }

    private final String name;
    private final Kind kind;
    private final boolean durable;
    private final QueueContext context;
    private final NavigableSet<MessageRef> refs = new TreeSet<>(MessageRef.ORDER);
    private final NavigableSet<MessageRef> inFlight = new TreeSet<>(MessageRef.ORDER);
    private final List<Consumer> consumers = new ArrayList<>();
    /** Message groups (JMSXGroupID) and the consumer each is pinned to. */
    private final java.util.Map<String, Consumer> groups = new java.util.HashMap<>();
    private int nextConsumer;
    private long recordId;
    private long expiredCount;
    private long wakeAt = Long.MAX_VALUE;
    private boolean deleted;
    private boolean dispatching;

    /**
     * @param durable true if persistent messages in it are journaled (queues and durable
     *     subscriptions), false for temporary queues and non-durable subscriptions
     */
    public Queue(String name, Kind kind, boolean durable, QueueContext context) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.durable = durable;
        this.context = Objects.requireNonNull(context, "context");
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isDurable() {
        return durable;
    }

    /** The journal id of this queue's QUEUE record, or 0. */
    public long recordId() {
        return recordId;
    }

    public void recordId(long id) {
        this.recordId = id;
    }

    public boolean isDeleted() {
        return deleted;
    }

    /** References waiting in the queue (not counting deliveries in flight). */
    public int size() {
        return refs.size();
    }

    /** Expired messages dropped so far. */
    public long expiredCount() {
        return expiredCount;
    }

    public List<Consumer> consumers() {
        return List.copyOf(consumers);
    }

    public int consumerCount() {
        return consumers.size();
    }

    /** Adds a new or returned reference, then dispatches. A deleted queue drops it. */
    public void add(MessageRef ref) {
        inFlight.remove(ref);
        if (deleted) {
            context.dropListener().dropped(ref);
            return;
        }
        refs.add(ref);
        dispatch();
    }

    /** Adds references without dispatching (recovery, or a batch followed by one dispatch). */
    public void addQuietly(Collection<MessageRef> batch) {
        for (MessageRef ref : batch) {
            inFlight.remove(ref);
            if (deleted) {
                context.dropListener().dropped(ref);
            } else {
                refs.add(ref);
            }
        }
    }

    public void addConsumer(Consumer consumer) {
        consumers.add(consumer);
        dispatch();
    }

    void removeConsumer(Consumer consumer) {
        // Its groups move to whichever consumer takes their next message.
        groups.values().removeIf(owner -> owner == consumer);
        int index = consumers.indexOf(consumer);
        if (index >= 0) {
            consumers.remove(index);
            if (nextConsumer > index) {
                nextConsumer--;
            }
            if (nextConsumer >= consumers.size()) {
                nextConsumer = 0;
            }
        }
    }

    /**
     * Makes {@code consumer} the next in the round-robin, so messages it gives back (recover,
     * rollback) go to it first if it can take them (JMS: a recovered session redelivers to its
     * own consumers).
     */
    public void preferNext(Consumer consumer) {
        int index = consumers.indexOf(consumer);
        if (index >= 0) {
            nextConsumer = index;
        }
    }

    /** Hands waiting references to ready consumers until none is ready or none is left. */
    public void dispatch() {
        if (dispatching || deleted || consumers.isEmpty() || refs.isEmpty()) {
            return;
        }
        dispatching = true;
        try {
            long now = context.clock().millis();
            long nextDue = Long.MAX_VALUE;
            Iterator<MessageRef> it = refs.iterator();
            while (it.hasNext() && anyReady()) {
                MessageRef ref = it.next();
                if (ref.message().wire().isExpired(now)) {
                    it.remove();
                    expire(ref);
                    continue;
                }
                long due = Math.max(ref.message().wire().deliveryTime(), ref.notBefore());
                if (due > now) {
                    nextDue = Math.min(nextDue, due);
                    continue;
                }
                String group = groupOf(ref);
                Consumer consumer = group == null ? pick(ref) : pickForGroup(group, ref);
                if (consumer != null) {
                    it.remove();
                    inFlight.add(ref);
                    if (group != null && closesGroup(ref)) {
                        groups.remove(group);
                    }
                    consumer.deliver(ref);
                }
            }
            if (nextDue != Long.MAX_VALUE) {
                wakeUpAt(nextDue, now);
            }
        } finally {
            dispatching = false;
        }
    }

    private boolean anyReady() {
        for (Consumer c : consumers) {
            if (c.ready()) {
                return true;
            }
        }
        return false;
    }

    private static String groupOf(MessageRef ref) {
        Object g = ref.message().wire().properties().get("JMSXGroupID");
        return g == null ? null : g.toString();
    }

    /** JMSXGroupSeq -1 marks the last message of a group: the group is unpinned after it. */
    private static boolean closesGroup(MessageRef ref) {
        Object seq = ref.message().wire().properties().get("JMSXGroupSeq");
        return seq instanceof Number n && n.intValue() == -1;
    }

    /**
     * The consumer of a group's message: the group's consumer if it can take it now (else none,
     * so the group keeps its order), or, for a group without one, the next ready consumer, which
     * the group is then pinned to.
     */
    private Consumer pickForGroup(String group, MessageRef ref) {
        Consumer owner = groups.get(group);
        if (owner != null) {
            return owner.ready() && owner.accepts(ref) ? owner : null;
        }
        Consumer chosen = pick(ref);
        if (chosen != null) {
            groups.put(group, chosen);
        }
        return chosen;
    }

    /** Message groups currently pinned to a consumer. */
    public int groupCount() {
        return groups.size();
    }

    /** The next ready consumer after the last one served that accepts {@code ref}. */
    private Consumer pick(MessageRef ref) {
        int n = consumers.size();
        for (int i = 0; i < n; i++) {
            int index = (nextConsumer + i) % n;
            Consumer c = consumers.get(index);
            if (c.ready() && c.accepts(ref)) {
                nextConsumer = (index + 1) % n;
                return c;
            }
        }
        return null;
    }

    private void wakeUpAt(long due, long now) {
        if (due >= wakeAt) {
            return;
        }
        wakeAt = due;
        context.scheduler().schedule(Math.max(1, due - now), () -> {
            if (wakeAt == due) {
                wakeAt = Long.MAX_VALUE;
            }
            dispatch();
        });
    }

    private void expire(MessageRef ref) {
        expiredCount++;
        context.dropListener().expired(ref);
    }

    /** Drops every waiting expired reference (the periodic sweep); returns how many. */
    public int removeExpired() {
        long now = context.clock().millis();
        int n = 0;
        for (Iterator<MessageRef> it = refs.iterator(); it.hasNext(); ) {
            MessageRef ref = it.next();
            if (ref.message().wire().isExpired(now)) {
                it.remove();
                expire(ref);
                n++;
            }
        }
        return n;
    }

    /**
     * Takes up to {@code max} waiting references (delayed ones included; not those delivered and
     * not yet acknowledged) that {@code which} accepts out of the queue, in queue order, for the
     * caller to drop or move (administration).
     */
    public List<MessageRef> takeWaiting(java.util.function.Predicate<MessageRef> which, int max) {
        List<MessageRef> out = new ArrayList<>();
        for (Iterator<MessageRef> it = refs.iterator(); it.hasNext() && out.size() < max; ) {
            MessageRef ref = it.next();
            if (which.test(ref)) {
                it.remove();
                out.add(ref);
            }
        }
        return out;
    }

    /** A delivered reference was acknowledged: it leaves the queue for good. */
    public void settled(MessageRef ref) {
        inFlight.remove(ref);
    }

    /** References delivered and not yet acknowledged or returned. */
    public int inFlightCount() {
        return inFlight.size();
    }

    /**
     * Up to {@code max} references after {@code after} (null: from the start) in queue order
     * that match {@code selector}, skipping expired and not yet deliverable ones. Messages
     * delivered but not yet acknowledged are still on the queue for a browser (JMS: a message
     * leaves a queue when it is consumed); expired waiting ones are dropped on the way.
     */
    public List<MessageRef> browse(MessageRef after, Selector selector, int max) {
        List<MessageRef> out = new ArrayList<>();
        long now = context.clock().millis();
        NavigableSet<MessageRef> all = new TreeSet<>(MessageRef.ORDER);
        all.addAll(after == null ? refs : refs.tailSet(after, false));
        all.addAll(after == null ? inFlight : inFlight.tailSet(after, false));
        for (MessageRef ref : all) {
            if (out.size() >= max) {
                break;
            }
            if (ref.message().wire().isExpired(now)) {
                if (refs.remove(ref)) {
                    expire(ref);
                }
            } else if (ref.message().wire().deliveryTime() <= now && SelectorSupport.matches(selector, ref)) {
                out.add(ref);
            }
        }
        return out;
    }

    /** Snapshot of the waiting references in order (tests, administration). */
    public List<MessageRef> snapshot() {
        return new ArrayList<>(refs);
    }

    /**
     * Deletes the queue: consumers must be closed by the caller; every waiting reference is
     * dropped. Later adds are dropped too. Idempotent.
     */
    public void delete() {
        if (deleted) {
            return;
        }
        deleted = true;
        List<MessageRef> dropped = new ArrayList<>(refs);
        refs.clear();
        inFlight.clear();
        for (MessageRef ref : dropped) {
            context.dropListener().dropped(ref);
        }
    }

    @Override
    public String toString() {
        return "Queue[" + kind + " " + name + ", " + refs.size() + " waiting, " + consumers.size() + " consumers]";
    }
}
