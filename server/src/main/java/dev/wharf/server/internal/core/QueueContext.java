package dev.wharf.server.internal.core;

import java.time.Clock;
import java.util.Objects;

/**
 * What a {@link Queue} needs from its broker: the time, a way to wake itself up on the broker
 * thread, and a listener told when a reference leaves the queue without being delivered
 * (expired, or the queue deleted) so the store can forget it.
 */
public record QueueContext(Clock clock, Scheduler scheduler, DropListener dropListener) {

    public QueueContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(dropListener, "dropListener");
    }

    /** Told when a reference leaves its queue undelivered; runs on the broker thread. */
    @FunctionalInterface
    public interface DropListener {
        /** The reference is gone (its queue was deleted, or it expired and goes nowhere). */
        void dropped(MessageRef ref);

        /** The reference expired; by default it is simply dropped. */
        default void expired(MessageRef ref) {
            dropped(ref);
        }
    }
}
