package dev.wharf.benchmarks.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Synchronous sends against the {@link FloorServer}: {@code producers} threads, each on its own
 * connection, each sending a record of the message size and waiting for its answer before the
 * next, for the same warm-up and measured window as the JMS workloads. Its result sits beside
 * Wharf's in the report of the sync workload with the same number of producers: no broker's
 * synchronous sends can be faster on this machine and disk.
 */
final class FloorLoad {
    static final String LABEL = "tcp-floor";

    private FloorLoad() {
    }

    /**
     * Starts the floor server in its own JVM with data in {@code dir}, runs each of {@code runs}
     * (workload name and number of producers) against it, and stops it.
     */
    static List<Result> run(Path dir, String heap, List<Run> runs, Workload.Settings settings, Workload.Progress progress)
            throws Exception {
        int port = BrokerProcess.freePort();
        List<Result> results = new ArrayList<>();
        try (BrokerProcess server = BrokerProcess.start(LABEL, List.of("-Xms" + heap, "-Xmx" + heap),
                FloorServer.class.getName(), List.of(String.valueOf(port), dir.resolve("data").toString()),
                FloorServer.READY, dir.resolve("broker.log"))) {
            // The same JIT warm-up the brokers get, in proportion: a few seconds of each run unmeasured.
            for (Run r : runs) {
                measure(port, r, new Workload.Settings(settings.messageSize(), 2000, 1000), line -> { });
            }
            for (Run r : runs) {
                results.add(measure(port, r, settings, progress));
            }
        }
        return results;
    }

    /** A sync workload's name and its number of producers. */
    record Run(String workload, int producers) {
    }

    private static Result measure(int port, Run run, Workload.Settings settings, Workload.Progress progress)
            throws Exception {
        Workload.Window w = new Workload.Window(settings);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < run.producers(); i++) {
            tasks.add(() -> {
                produce(port, settings.messageSize(), w);
                return null;
            });
        }
        Workload.runAll(tasks, w, progress, LABEL, run.workload());
        return w.result(LABEL, run.workload());
    }

    private static void produce(int port, int size, Workload.Window w) throws IOException {
        try (SocketChannel s = SocketChannel.open(new InetSocketAddress("localhost", port))) {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer record = ByteBuffer.allocateDirect(4 + size);
            record.putInt(size).put(Workload.body(size));
            ByteBuffer answer = ByteBuffer.allocateDirect(1);
            while (w.producing()) {
                long started = System.nanoTime();
                record.clear();
                while (record.hasRemaining()) {
                    s.write(record);
                }
                answer.clear();
                while (answer.hasRemaining()) {
                    if (s.read(answer) < 0) {
                        throw new EOFException("the floor server closed the connection; see its log");
                    }
                }
                w.sent(started, 1);
            }
        }
    }
}
