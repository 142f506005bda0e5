package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large messages bigger than the heap of both sides: a client in a child JVM with {@code -Xmx256m}
 * sends and receives a BytesMessage through a child-JVM broker with {@code -Xmx256m}. The size is
 * {@code wharf.large.size} bytes, 1 GiB by default (about 20 s on a 2-core machine; pass
 * {@code -Dwharf.large.size=314572800} for a quicker 300 MiB run). Also: a large
 * message confirmed before a kill -9 of the broker comes back intact, and one cut off by its
 * producer dying mid-stream is discarded.
 */
@Timeout(900)
class LargeMessageHeapIT {

    private static final long SIZE = Long.getLong("wharf.large.size", 1024L * 1024 * 1024);

    @TempDir
    Path data;

    private static Process client(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LargeMessageClient.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static long crc(BytesMessage m) throws Exception {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = m.readBytes(buf)) > 0; ) {
            crc.update(buf, 0, n);
        }
        return crc.getValue();
    }

    private static long files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void bytesMessageLargerThanBothHeapsRoundTripsIntact() throws Exception {
        int port = ChildBroker.freePort();
        Path log = Files.createTempFile("wharf-large-client", ".log");
        try (ChildBroker broker = ChildBroker.start(data, port, "256m")) {
            long t0 = System.nanoTime();
            Process p = client(log, "roundtrip", broker.url(), "big", String.valueOf(SIZE), "42");
            assertTrue(p.waitFor(800, TimeUnit.SECONDS), "the client did not finish");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out + "\nbroker:\n" + broker.output());
            Matcher sent = Pattern.compile("SENT crc=(\\d+)").matcher(out);
            Matcher got = Pattern.compile("RECEIVED length=(\\d+) bodyLength=(\\d+) crc=(\\d+)").matcher(out);
            assertTrue(sent.find() && got.find(), out);
            assertEquals(SIZE, Long.parseLong(got.group(1)));
            assertEquals(SIZE, Long.parseLong(got.group(2)));
            assertEquals(sent.group(1), got.group(3), "the body changed on its way");
            System.out.println("Large message round trip of " + SIZE + " bytes, client and broker at -Xmx256m: " + ms
                    + " ms (" + out.trim().replace('\n', ';') + ")");
        } finally {
            Files.deleteIfExists(log);
        }
        assertEquals(0, files(data.resolve("large")), "the acknowledged body's file is still on the broker");
    }

    @Test
    void confirmedLargeMessageSurvivesKillNineOfTheBroker() throws Exception {
        int port = ChildBroker.freePort();
        long size = 40L * 1024 * 1024 + 3;
        ChildBroker broker = ChildBroker.start(data, port, "256m");
        WharfConnectionFactory cf = new WharfConnectionFactory(broker.url());
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.setObjectProperty("JMS_WHARF_InputStream", LargeBodies.stream(9, size));
            m.setStringProperty("name", "survivor");
            s.createProducer(s.createQueue("crash")).send(m); // returns once body and record are forced
        }
        broker.kill();
        try (ChildBroker restarted = ChildBroker.start(data, port, "256m"); Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("crash"));
            BytesMessage m = (BytesMessage) consumer.receive(30_000);
            assertNotNull(m, "the confirmed large message was lost in the crash");
            assertEquals("survivor", m.getStringProperty("name"));
            assertEquals(size, m.getBodyLength());
            assertEquals(LargeBodies.crc(9, size), crc(m));
            assertNull(consumer.receive(500));
        }
    }

    @Test
    void largeMessageCutOffByItsProducerDyingIsDiscarded() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).build();
        broker.start();
        Path log = Files.createTempFile("wharf-large-client", ".log");
        try {
            Process p = client(log, "slow", broker.url(), "cut", String.valueOf(100L * 1024 * 1024), "5");
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.readString(log, StandardCharsets.UTF_8).contains("STREAMING")) {
                assertTrue(System.currentTimeMillis() < deadline && p.isAlive(), Files.readString(log, StandardCharsets.UTF_8));
                Thread.sleep(20);
            }
            assertEquals(1, files(data.resolve("large")), "the partial body is being written");
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            deadline = System.currentTimeMillis() + 10_000;
            while (files(data.resolve("large")) > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, files(data.resolve("large")), "the partial body was not deleted");
            try (Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                assertNull(s.createConsumer(s.createQueue("cut")).receive(500), "half a message was delivered");
            }
        } finally {
            broker.close();
            Files.deleteIfExists(log);
        }
    }
}
