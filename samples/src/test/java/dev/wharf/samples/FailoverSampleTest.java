package dev.wharf.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The failover sample's pair, started from its two config files, rides through a kill -9 of the live broker. */
@Timeout(120)
class FailoverSampleTest {

    @TempDir
    Path data;

    @Test
    void failoverSampleReceivesEveryPaymentOnceThroughAKillOfTheLiveBroker() throws Exception {
        int livePort = freePort();
        int backupPort = freePort();
        Process live = broker("live.properties", livePort, "Wharf broker started");
        Process backup = broker("backup.properties", backupPort, "waiting as backup");
        try {
            String url = "wharf://localhost:" + livePort + ",localhost:" + backupPort
                    + "?reconnectAttempts=-1&reconnectInterval=50&reconnectMaxInterval=500";
            CompletableFuture<List<String>> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return FailoverSample.run(new WharfConnectionFactory(url), "t.payments", 40, 50);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1000);
            assertTrue(!run.isDone(), "the sample finished before the kill; make it longer");
            live.destroyForcibly().waitFor();
            List<String> expected = IntStream.rangeClosed(1, 40).mapToObj(i -> "payment " + i).toList();
            assertEquals(expected, run.get(60, TimeUnit.SECONDS));
        } finally {
            live.destroyForcibly().waitFor();
            backup.destroyForcibly().waitFor();
        }
    }

    private Process broker(String configFile, int port, String readyLine) throws Exception {
        Path config = Path.of("failover", configFile).toAbsolutePath();
        Path log = Files.createTempFile(data, "broker", ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), "dev.wharf.server.WharfBroker",
                "--config", config.toString(), "--port", String.valueOf(port), "--data", data.resolve("store").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.readString(log).contains(readyLine)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException(configFile + " broker did not start:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
