package dev.wharf.server.internal.core;

/**
 * Where a {@link Consumer} sends what its queue dispatches: the connection that owns it.
 * Called on the broker thread; must not call back into the queue.
 */
public interface DeliveryTarget {

    /** Hands {@code ref} (already removed from its queue) to the client as a DELIVER frame. */
    void deliver(Consumer consumer, MessageRef ref);

    /**
     * Hands {@code ref} over taking {@code credits} of the consumer's credit (a large message takes
     * all the credit there is, so that a consumer holds one large message beyond what its application
     * has consumed; the client returns as many credits when it consumes it).
     */
    default void deliver(Consumer consumer, MessageRef ref, int credits) {
        deliver(consumer, ref);
    }

    /** Answers a pending PULL request (after its DELIVER, if any). */
    void pullDone(Consumer consumer, long correlationId);
}
