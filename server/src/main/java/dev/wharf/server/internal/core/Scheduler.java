package dev.wharf.server.internal.core;

/**
 * Runs a task on the broker thread after a delay (delivery delay, pull timeouts). The
 * production implementation wraps the broker's single-threaded scheduled executor; tests
 * use a manual one.
 */
public interface Scheduler {

    /** Runs {@code task} on the broker thread no sooner than {@code delayMillis} from now. */
    Cancellable schedule(long delayMillis, Runnable task);

    /** A scheduled task that may still be cancelled. */
    interface Cancellable {
        /** Cancels the task if it has not run; idempotent. */
        void cancel();
    }
}
