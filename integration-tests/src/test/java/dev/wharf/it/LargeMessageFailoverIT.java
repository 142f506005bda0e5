package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large send cut off by the death of the live broker of a shared-store pair is streamed again to
 * the backup once it took over: the send returns normally and the message arrives once, intact.
 */
@Timeout(240)
class LargeMessageFailoverIT {

    @TempDir
    Path data;

    @Test
    void largeSendCutOffByAFailoverIsStreamedAgainToTheBackup() throws Exception {
        int[] ports = {ChildBroker.freePort(), ChildBroker.freePort()};
        ChildBroker live = ChildBroker.start(data, ports[0], "256m");
        ChildBroker backup = ChildBroker.startUntil("waiting as backup", data, ports[1], "256m", "--role", "backup");
        String url = "wharf://localhost:" + ports[0] + ",localhost:" + ports[1] + "?reconnectAttempts=-1&reconnectInterval=50"
                + "&reconnectBackoff=1.5&reconnectMaxInterval=500&reconnectTimeout=60000&connectTimeout=2000";
        int size = 400 * 1024 * 1024;
        try (Connection c = new WharfConnectionFactory(url).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("big.failover");
            BytesMessage m = s.createBytesMessage();
            byte[] buf = new byte[64 * 1024];
            for (int off = 0; off < size; off += buf.length) {
                int n = Math.min(buf.length, size - off);
                LargeBodies.fill(77, off, buf, n);
                m.writeBytes(buf, 0, n);
            }
            AtomicReference<Throwable> sendFailure = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                try {
                    s.createProducer(q).send(m);
                } catch (Throwable t) {
                    sendFailure.set(t);
                }
            });
            sender.start();
            // Kill the live broker while the body streams to it.
            long deadline = System.currentTimeMillis() + 30_000;
            while (countLargeFiles() == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(300);
            live.kill();
            assertTrue(backup.awaitOutput("Wharf broker started", 60), backup.output());
            sender.join(180_000);
            assertNull(sendFailure.get(), () -> "the send failed: " + sendFailure.get());

            Session s2 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s2.createConsumer(s2.createQueue("big.failover"));
            BytesMessage in = (BytesMessage) consumer.receive(60_000);
            assertNotNull(in, "the large message was lost in the failover");
            assertEquals(size, in.getBodyLength());
            CRC32 crc = new CRC32();
            for (int n; (n = in.readBytes(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
            assertEquals(LargeBodies.crc(77, size), crc.getValue());
            assertNull(consumer.receive(1000), "the large message arrived twice");
        } finally {
            live.close();
            backup.close();
        }
    }

    private long countLargeFiles() throws java.io.IOException {
        Path dir = data.resolve("large");
        if (!java.nio.file.Files.isDirectory(dir)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
            return s.count();
        }
    }
}
