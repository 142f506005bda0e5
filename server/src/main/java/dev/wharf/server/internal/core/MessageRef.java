package dev.wharf.server.internal.core;

import java.util.Comparator;
import java.util.Objects;

/**
 * One message in one queue. Queues order references by {@link #ORDER}: higher JMS priority
 * first, then by {@link #seq()} (arrival order). A reference returned to its queue keeps its
 * sequence number, so it goes back ahead of everything that arrived after it.
 *
 * <p>When {@link #isJournaled()}, the journal holds a REF record with id {@link #seq()}.
 * Not thread-safe; confined to the broker thread.
 */
public final class MessageRef {

    /** Queue order: priority 9 before 0, then FIFO by sequence. */
    public static final Comparator<MessageRef> ORDER = (a, b) -> {
        int p = Integer.compare(b.message.wire().priority(), a.message.wire().priority());
        return p != 0 ? p : Long.compare(a.seq, b.seq);
    };

    private final StoredMessage message;
    private final Queue queue;
    private final long seq;
    private final boolean journaled;
    private int deliveryCount;
    private long notBefore;

    /**
     * @param seq a broker-wide increasing id; also the REF record id when journaled
     * @param deliveryCount the count the next delivery carries (1 for a new message)
     */
    public MessageRef(StoredMessage message, Queue queue, long seq, boolean journaled, int deliveryCount) {
        this.message = Objects.requireNonNull(message, "message");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.seq = seq;
        this.journaled = journaled;
        this.deliveryCount = deliveryCount;
    }

    public StoredMessage message() {
        return message;
    }

    public Queue queue() {
        return queue;
    }

    public long seq() {
        return seq;
    }

    public boolean isJournaled() {
        return journaled;
    }

    /** The delivery count the next delivery of this reference carries (1 = first). */
    public int deliveryCount() {
        return deliveryCount;
    }

    public void incrementDeliveryCount() {
        deliveryCount++;
    }

    /**
     * The earliest time (ms since the epoch) this reference may be delivered again: set by a
     * redelivery delay, 0 for none. Not journaled: after a restart the message is due at once.
     */
    public long notBefore() {
        return notBefore;
    }

    public void notBefore(long epochMillis) {
        this.notBefore = epochMillis;
    }

    @Override
    public String toString() {
        return "MessageRef[" + queue.name() + "#" + seq + ", priority " + message.wire().priority()
                + ", deliveryCount " + deliveryCount + "]";
    }
}
