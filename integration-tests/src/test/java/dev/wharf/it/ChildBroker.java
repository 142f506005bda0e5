package dev.wharf.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker in its own JVM, started the way the launcher does ({@code dev.wharf.server.WharfBroker}),
 * so a test can kill it with {@code destroyForcibly()}. Output goes to a file (a pipe loses its
 * last lines when the process is killed).
 */
final class ChildBroker implements AutoCloseable {

    private final Process process;
    private final Path log;
    final int port;

    private ChildBroker(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static ProcessBuilder java(String... args) {
        return javaWithHeap("256m", args);
    }

    static ProcessBuilder javaWithHeap(String heap, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.wharf.server.WharfBroker");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Starts a broker on {@code port} with its data in {@code data} and waits until it accepts connections. */
    static ChildBroker start(Path data, int port) throws Exception {
        return start(data, port, "256m");
    }

    /** Like {@link #start(Path, int)} with this heap and more broker options (for example {@code --config}). */
    static ChildBroker start(Path data, int port, String heap, String... moreArgs) throws Exception {
        return startUntil("Wharf broker started", data, port, heap, moreArgs);
    }

    /** Starts a broker and returns once its output contains {@code line} (a backup prints that it waits). */
    static ChildBroker startUntil(String line, Path data, int port, String heap, String... moreArgs) throws Exception {
        Path log = Files.createTempFile("wharf-child-broker", ".log");
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--host", "localhost", "--data",
                data.toString()));
        args.addAll(List.of(moreArgs));
        Process p = javaWithHeap(heap, args.toArray(new String[0]))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChildBroker b = new ChildBroker(p, log, port);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!b.output().contains(line)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                String out = b.output();
                p.destroyForcibly();
                throw new IllegalStateException("child broker did not start:\n" + out);
            }
            Thread.sleep(50);
        }
        return b;
    }

    /** Waits up to {@code seconds} for {@code line} in the broker's output; false if it did not come. */
    boolean awaitOutput(String line, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!output().contains(line)) {
            if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    String url() {
        return "wharf://localhost:" + port;
    }

    /** kill -9: no shutdown hook, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Freezes the broker (SIGSTOP): its sockets stay open and its host answers TCP, but it says
     * nothing, like a broker whose host hangs or whose network drops packets without a reset.
     */
    void suspend() throws Exception {
        signal("STOP");
    }

    /** Undoes {@link #suspend()} (SIGCONT). */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            resume(); // a suspended JVM does not act on SIGTERM
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
    }
}
