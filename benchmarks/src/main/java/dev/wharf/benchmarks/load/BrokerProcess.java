package dev.wharf.benchmarks.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker in a child JVM on this machine, reached over TCP as users run it. Started from this
 * tool's own classpath; the broker's output goes to a log file, and the start is awaited by a
 * line the broker prints when it accepts connections.
 */
final class BrokerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private BrokerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts {@code mainClass} with {@code args} in a JVM with {@code jvmArgs} (the heap, a flight
     * recording) and waits up to 60 s for {@code readyLine}.
     *
     * @throws IllegalStateException naming the broker and quoting the end of its log if it does not start
     */
    static BrokerProcess start(String name, List<String> jvmArgs, String mainClass, List<String> args, String readyLine,
            Path log)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        BrokerProcess b = new BrokerProcess(name, p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!b.output().contains(readyLine)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " broker did not start" + (p.isAlive() ? " within 60 s" : "")
                        + "; the end of its log (" + log + "):\n" + tail(b.output(), 15));
            }
            Thread.sleep(50);
        }
        return b;
    }

    private String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        StringBuilder out = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            out.append("  ").append(all[i]).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
