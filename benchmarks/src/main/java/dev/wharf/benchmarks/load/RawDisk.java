package dev.wharf.benchmarks.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The physical bar: one thread writing a record of the message size and forcing it
 * ({@code FileChannel.force(false)}) in a loop, in the directory the brokers use, for the same
 * measured window. What one synchronous persistent send costs without group commit.
 */
final class RawDisk {

    private RawDisk() {
    }

    static Result run(Path dir, Workload.Settings settings, String before) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("raw-disk.bin");
        byte[] record = Workload.body(settings.messageSize());
        Histogram latency = new Histogram(3);
        long count = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.warmupMillis());
            long end = warmupEnd + TimeUnit.MILLISECONDS.toNanos(settings.measureMillis());
            ByteBuffer buf = ByteBuffer.wrap(record);
            while (true) {
                long started = System.nanoTime();
                if (started >= end) {
                    break;
                }
                buf.clear();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
                if (started >= warmupEnd) {
                    latency.recordValue(Math.max(1, System.nanoTime() - started));
                    count++;
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return Result.of("raw-disk", "write+force before " + before, count, 0, settings.measureMillis() / 1000.0, latency);
    }
}
