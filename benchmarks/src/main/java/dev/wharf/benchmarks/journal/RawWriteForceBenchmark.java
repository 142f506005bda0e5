package dev.wharf.benchmarks.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
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
 * The baseline: one thread writing 1 KiB then {@code force(false)}, in a loop, to a
 * pre-allocated file in the same directory as the journal benchmark. This is what one
 * durable append costs without group commit.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class RawWriteForceBenchmark {
    private static final long FILE_SIZE = 64L * 1024 * 1024;
    private Path dir;
    private FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1024);
    private long pos;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchDirs.fresh("raw");
        ch = FileChannel.open(dir.resolve("raw.dat"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long p = 0; p < FILE_SIZE; p += zeros.capacity()) {
            zeros.clear();
            ch.write(zeros, p);
        }
        ch.force(true);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        ch.close();
        BenchDirs.delete(dir);
    }

    @Benchmark
    @Threads(1)
    public void writeAndForce1KiB() throws IOException {
        buf.clear();
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
        ch.force(false);
        if (pos + 1024 > FILE_SIZE) {
            pos = 0;
        }
    }
}
