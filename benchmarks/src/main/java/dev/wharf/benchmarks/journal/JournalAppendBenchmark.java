package dev.wharf.benchmarks.journal;

import dev.wharf.journal.FileJournal;
import dev.wharf.journal.JournalStats;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Durable 1 KiB appends to a {@link FileJournal}, each thread waiting for its append's future
 * (what a broker does for a synchronous persistent send), from 1, 4 and 16 threads. The score
 * is appends per second; the group-commit ratio (records per force, from {@link JournalStats})
 * is printed after each iteration and for the whole trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JournalAppendBenchmark {

    /** One journal per trial, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class JournalState {
        Path dir;
        FileJournal journal;
        final AtomicLong ids = new AtomicLong();
        final ByteBuffer payload = ByteBuffer.allocate(1024);

        @Setup(Level.Trial)
        public void open() {
            dir = BenchDirs.fresh("journal");
            journal = FileJournal.builder(dir).build(); // default 10 MiB segments
            journal.open();
        }

        private long recordsAtStart;
        private long forcesAtStart;

        @Setup(Level.Iteration)
        public void startIteration() {
            JournalStats s = journal.stats();
            recordsAtStart = s.records();
            forcesAtStart = s.forces();
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            JournalStats s = journal.stats();
            long records = s.records() - recordsAtStart;
            long forces = s.forces() - forcesAtStart;
            System.out.printf(" [records/force this iteration: %.2f]", (double) records / Math.max(1, forces));
        }

        @TearDown(Level.Trial)
        public void close() {
            JournalStats s = journal.stats();
            System.out.printf("%n[journal] %s: records=%d forces=%d records/force=%.2f%n", dir, s.records(), s.forces(),
                    (double) s.records() / Math.max(1, s.forces()));
            journal.close();
            BenchDirs.delete(dir);
        }
    }

    private static void append(JournalState s) {
        s.journal.add(s.ids.incrementAndGet(), (byte) 1, s.payload.duplicate(), true).join();
    }

    @Benchmark
    @Threads(1)
    public void durableAppend1Thread(JournalState s) {
        append(s);
    }

    @Benchmark
    @Threads(4)
    public void durableAppend4Threads(JournalState s) {
        append(s);
    }

    @Benchmark
    @Threads(16)
    public void durableAppend16Threads(JournalState s) {
        append(s);
    }
}
