package dev.wharf.server.internal.core;

import dev.wharf.server.selector.Selector;
import java.util.Objects;

/**
 * A consumer attached to one {@link Queue} (a queue, or the queue of a topic subscription).
 * It receives messages while it has credit: {@code prefetch} to start with, one more per
 * credit granted; a prefetch-0 consumer receives only while a PULL is pending.
 *
 * <p>Not thread-safe; confined to the broker thread.
 */
public final class Consumer {

    private final long id;
    private final String connectionId;
    private final Queue queue;
    private final Selector selector;
    private final int prefetch;
    private final DeliveryTarget target;
    private int credit;
    /** False while the consumer's connection is stopped. */
    private boolean started = true;
    private boolean closed;
    /** True while the consumer is reported slow (so it is reported once per slow spell). */
    private boolean slow;
    private long pullCorrelationId;
    private boolean pulling;
    private Scheduler.Cancellable pullTimer;

    public Consumer(long id, String connectionId, Queue queue, Selector selector, int prefetch, DeliveryTarget target) {
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch: " + prefetch + " (expected: >= 0)");
        }
        this.id = id;
        this.connectionId = connectionId;
        this.queue = Objects.requireNonNull(queue, "queue");
        this.selector = Objects.requireNonNull(selector, "selector");
        this.prefetch = prefetch;
        this.target = Objects.requireNonNull(target, "target");
        this.credit = prefetch;
    }

    public long id() {
        return id;
    }

    public String connectionId() {
        return connectionId;
    }

    public Queue queue() {
        return queue;
    }

    public int prefetch() {
        return prefetch;
    }

    public int credit() {
        return credit;
    }

    public boolean isClosed() {
        return closed;
    }

    /** True if the queue may hand this consumer a message now. */
    boolean ready() {
        return !closed && started && (credit > 0 || pulling);
    }

    /**
     * Follows its connection's start and stop: a consumer of a stopped connection gets nothing,
     * so the other consumers of its queue get those messages.
     */
    public void started(boolean value) {
        boolean wasStarted = started;
        started = value;
        if (value && !wasStarted && !closed) {
            queue.dispatch();
        }
    }

    /** True if the consumer's selector accepts the message. */
    boolean accepts(MessageRef ref) {
        return SelectorSupport.matches(selector, ref);
    }

    /** Called by the queue: takes the pending pull (or one credit) and delivers. */
    void deliver(MessageRef ref) {
        if (pulling) {
            // A pending PULL is answered first: the client's receive() waits on it.
            pulling = false;
            cancelPullTimer();
            target.deliver(this, ref);
            target.pullDone(this, pullCorrelationId);
            return;
        }
        if (ref.message().isLarge()) {
            // A large message takes all the credit: the next message waits until the client consumed it.
            int cost = Math.max(1, credit);
            credit -= cost;
            target.deliver(this, ref, cost);
            return;
        }
        credit--;
        target.deliver(this, ref);
    }

    /**
     * Adds credit, never beyond the prefetch window (a client that both restores credit itself
     * and has it restored by a release must not widen its window), then dispatches.
     */
    public void addCredit(int credits) {
        if (closed || credits <= 0) {
            return;
        }
        long sum = (long) credit + credits;
        credit = (int) (prefetch > 0 ? Math.min(sum, prefetch) : Math.min(sum, Integer.MAX_VALUE));
        queue.dispatch();
    }

    /** Gives back credit for deliveries the client released unseen (prefetch consumers only). */
    public void restoreCredit(int credits) {
        if (prefetch > 0 && credits > 0 && !closed) {
            credit = Math.min(credit + credits, prefetch);
        }
    }

    /**
     * A PULL: deliver one message if one is available within {@code timeoutMillis} (0: only now,
     * negative: no limit); {@link DeliveryTarget#pullDone} answers it either way.
     */
    public void pull(long correlationId, long timeoutMillis, Scheduler scheduler) {
        if (closed) {
            target.pullDone(this, correlationId);
            return;
        }
        if (pulling) {
            // A newer pull supersedes the old one: answer the old one empty.
            answerPull();
        }
        pulling = true;
        pullCorrelationId = correlationId;
        queue.dispatch();
        if (!pulling) {
            return;
        }
        if (timeoutMillis == 0) {
            answerPull();
        } else if (timeoutMillis > 0) {
            pullTimer = scheduler.schedule(timeoutMillis, () -> {
                pullTimer = null;
                if (pulling && pullCorrelationId == correlationId) {
                    answerPull();
                }
            });
        }
    }

    private void answerPull() {
        pulling = false;
        cancelPullTimer();
        target.pullDone(this, pullCorrelationId);
    }

    private void cancelPullTimer() {
        if (pullTimer != null) {
            pullTimer.cancel();
            pullTimer = null;
        }
    }

    boolean isSlow() {
        return slow;
    }

    void slow(boolean value) {
        slow = value;
    }

    /** Detaches from the queue; a pending pull is answered empty. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        if (pulling) {
            answerPull();
        }
        closed = true;
        queue.removeConsumer(this);
    }

    @Override
    public String toString() {
        return "Consumer[" + connectionId + "/" + id + " on " + queue.name() + ", credit " + credit + "]";
    }
}
