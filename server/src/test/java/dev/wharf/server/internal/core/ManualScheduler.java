package dev.wharf.server.internal.core;

import java.util.ArrayList;
import java.util.List;

/** A scheduler whose tasks run when the test says, against a {@link ManualClock}. */
final class ManualScheduler implements Scheduler {

    private final ManualClock clock;
    private final List<Task> tasks = new ArrayList<>();

    private static final class Task {
        final long due;
        final Runnable run;
        boolean cancelled;

        Task(long due, Runnable run) {
            this.due = due;
            this.run = run;
        }
    }

    ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        Task t = new Task(clock.millis() + delayMillis, task);
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    /** Pending task count. */
    int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled).count();
    }

    /** Advances the clock and runs every task now due. */
    void advance(long millis) {
        clock.advance(millis);
        List<Task> due = new ArrayList<>();
        for (Task t : List.copyOf(tasks)) {
            if (t.due <= clock.millis()) {
                tasks.remove(t);
                if (!t.cancelled) {
                    due.add(t);
                }
            }
        }
        due.forEach(t -> t.run.run());
    }
}
