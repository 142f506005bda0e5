package dev.wharf.server.internal.core;

/**
 * Where a {@link Consumer} sends what its queue dispatches: the connection that owns it.
 * Called on the broker thread; must not call back into the queue.
 */
public interface DeliveryTarget {

    /** Hands {@code ref} (already removed from its queue) to the client as a DELIVER frame. */
    void deliver(Consumer consumer, MessageRef ref);

    /** Answers a pending PULL request (after its DELIVER, if any). */
    void pullDone(Consumer consumer, long correlationId);
}
