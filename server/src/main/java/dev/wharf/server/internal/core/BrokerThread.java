package dev.wharf.server.internal.core;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns all broker state (see {@link Broker}). Tasks run one at a time in
 * submission order; a task that throws is logged and the thread goes on. Also the broker's
 * {@link Scheduler}. Thread-safe: any thread may submit.
 *
 * <p>In a broker with a network acceptor the thread is the Netty event loop that all client
 * channels are registered with (passed in as a {@link ScheduledExecutorService}, so this package
 * knows nothing of Netty): a frame is decoded and handled on the same thread, with no hand-off,
 * and the answers it writes go to the socket without another ({@link #runNowOrLater}).
 */
public final class BrokerThread implements Executor, Scheduler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerThread.class);

    /** Actions to run when the current broker task ends (flushes); null off the broker thread. */
    private static final ThreadLocal<java.util.List<Runnable>> AFTER_TASK = new ThreadLocal<>();

    private final ScheduledExecutorService executor;
    private volatile Thread thread;

    /** A broker thread of its own, named {@code name} (a broker without a network acceptor, tests). */
    public BrokerThread(String name) {
        ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(false);
            return t;
        });
        own.setRemoveOnCancelPolicy(true);
        own.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = own;
        captureThread();
    }

    /**
     * The broker thread is {@code singleThread}, an executor that runs everything on one thread
     * (the acceptor's event loop). {@link #close} shuts it down.
     */
    public BrokerThread(ScheduledExecutorService singleThread) {
        this.executor = singleThread;
        captureThread();
    }

    private void captureThread() {
        try {
            executor.submit(() -> {
                thread = Thread.currentThread();
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the broker thread", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the broker thread did not start", e.getCause());
        }
    }

    /** True when called on the broker thread (for assertions). */
    public boolean inBrokerThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(() -> runSafely(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("Broker thread stopped; dropping a task");
        }
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        try {
            ScheduledFuture<?> f = executor.schedule(() -> runSafely(task), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    /**
     * Runs {@code task} now when called on the broker thread outside any broker task (an event
     * loop handing over a frame it just decoded), else queues it like {@link #execute}. Never
     * runs a task inside another: a task that writes to a channel cannot re-enter the broker
     * through that channel's events.
     */
    public void runNowOrLater(Runnable task) {
        if (Thread.currentThread() == thread && AFTER_TASK.get() == null) {
            runSafely(task);
        } else {
            execute(task);
        }
    }

    private static void runSafely(Runnable task) {
        java.util.List<Runnable> after = new java.util.ArrayList<>();
        AFTER_TASK.set(after);
        try {
            task.run();
        } catch (RuntimeException | AssertionError e) {
            LOG.error("Unexpected error on the broker thread; the broker goes on", e);
        } finally {
            AFTER_TASK.remove();
            for (Runnable r : after) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("Error at the end of a broker task: {}", e.toString());
                }
            }
        }
    }

    /**
     * Runs {@code action} when the current broker task ends (used to flush each channel once per
     * task, so the frames a task writes leave together). Returns false, doing nothing, when not
     * called from a broker task.
     */
    public static boolean afterCurrentTask(Runnable action) {
        java.util.List<Runnable> after = AFTER_TASK.get();
        if (after == null) {
            return false;
        }
        after.add(action);
        return true;
    }

    /** Runs {@code task} on the broker thread and waits for it; rethrows what it throws. */
    public void runAndWait(Runnable task) throws InterruptedException {
        try {
            executor.submit(task).get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Stops taking tasks, runs what is queued, waits up to {@code timeoutMillis}. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Broker thread did not stop within 5 s");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
