package dev.wharf.ra.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Wharf broker in a child JVM ({@code dev.wharf.server.WharfBroker}) on a fixed port, so the
 * server's configuration can name it and a test can kill it ({@code kill -9}) and start it again
 * on the same data. Output goes to {@code broker.log} in the data directory's parent.
 *
 * <p>Not thread-safe; used from the test thread.
 */
final class BrokerProcess implements AutoCloseable {

    private final Path data;
    private final int port;
    private final Path log;
    private Process process;

    BrokerProcess(Path data, int port) {
        this.data = data;
        this.port = port;
        this.log = data.resolveSibling("broker.log");
    }

    int port() {
        return port;
    }

    String url() {
        return "wharf://localhost:" + port;
    }

    /** Starts the broker and waits (at most 30 s) until it accepts connections. */
    void start() throws Exception {
        Files.createDirectories(data);
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        // For a closer look at a failure, e.g. -Dwharf.it.broker.opts=-Dorg.slf4j.simpleLogger.log.dev.wharf.server.wire=trace
        String opts = System.getProperty("wharf.it.broker.opts", "").trim();
        if (!opts.isEmpty()) {
            cmd.addAll(List.of(opts.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.wharf.server.WharfBroker", "--port", String.valueOf(port),
                "--host", "localhost", "--data", data.toString()));
        long from = Files.exists(log) ? Files.size(log) : 0;
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!output(from).contains("Wharf broker started")) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the broker did not start on port " + port + ":\n" + output(from));
            }
            Thread.sleep(50);
        }
    }

    private String output(long from) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        String all = Files.readString(log, StandardCharsets.UTF_8);
        return all.substring((int) Math.min(from, all.length()));
    }

    /** kill -9: no shutdown hook, nothing flushed that was not forced. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
