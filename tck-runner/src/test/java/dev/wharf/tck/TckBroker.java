package dev.wharf.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.naming.Context;

/**
 * The broker the TCK talks to: {@code dev.wharf.server.WharfBroker} in its own JVM, as users run
 * it, with authentication on ({@code tck-users.properties}) and a fresh data directory under
 * {@code target/}. Its output goes to {@code target/tck-broker.log}.
 */
final class TckBroker implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 60_000;

    private final Process process;
    private final Path log;
    private final int port;

    private TckBroker(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts a broker in {@code workDir} and waits until it accepts connections.
     *
     * @throws IllegalStateException with the broker's output if it does not start
     */
    static TckBroker start(Path workDir) throws IOException, InterruptedException {
        Path data = workDir.resolve("tck-broker-data");
        deleteRecursively(data);
        Files.createDirectories(data);
        Path users = workDir.resolve("tck-users.properties");
        try (InputStream in = TckBroker.class.getResourceAsStream("/tck-users.properties")) {
            if (in == null) {
                throw new IllegalStateException("tck-users.properties is missing from the test classpath");
            }
            Files.copy(in, users, StandardCopyOption.REPLACE_EXISTING);
        }
        Path log = workDir.resolve("tck-broker.log");
        int port = freePort();
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                "dev.wharf.server.WharfBroker",
                "--host", "localhost",
                "--port", String.valueOf(port),
                "--data", data.toString(),
                "--users", users.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TckBroker broker = new TckBroker(p, log, port);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!broker.output().contains("Wharf broker started")) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("the Wharf broker for the TCK did not start (" + log + "):\n" + broker.output());
            }
            Thread.sleep(50);
        }
        return broker;
    }

    /** The URL clients use; the runner makes it {@link Context#PROVIDER_URL}. */
    String url() {
        return "wharf://localhost:" + port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
