package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A backup broker on the same store waits for the live one's lock and takes over when it dies. */
@Timeout(180)
class FailoverIT {

    @TempDir
    Path data;

    @Test
    void backupTakesOverTheStoreWhenTheLiveBrokerIsKilledWithEveryConfirmedMessage() throws Exception {
        int livePort = ChildBroker.freePort();
        int backupPort = ChildBroker.freePort();
        try (ChildBroker live = ChildBroker.start(data, livePort)) {
            try (Connection c = new WharfConnectionFactory(live.url()).createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createQueue("orders"));
                for (int i = 0; i < 100; i++) {
                    p.send(s.createTextMessage("order " + i));
                }
            }
            try (ChildBroker backup = ChildBroker.startUntil("waiting as backup", data, backupPort, "256m",
                    "--role", "backup")) {
                Thread.sleep(1000);
                assertTrue(backup.isAlive(), "the backup must wait, not fail");
                assertThrows(JMSException.class, () -> new WharfConnectionFactory(backup.url() + "?connectTimeout=1000")
                        .createConnection().close(), "a waiting backup does not serve");

                live.kill();
                assertTrue(backup.awaitOutput("Wharf broker started", 30), "the backup did not take over:\n"
                        + backup.output());
                assertTrue(backup.output().contains("role: backup, live since"), backup.output());
                // A client that knows both addresses finds the new live broker by itself.
                String pair = "wharf://localhost:" + livePort + ",localhost:" + backupPort + "?connectTimeout=2000";
                try (Connection c = new WharfConnectionFactory(pair).createConnection()) {
                    c.start();
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageConsumer consumer = s.createConsumer(s.createQueue("orders"));
                    for (int i = 0; i < 100; i++) {
                        TextMessage m = (TextMessage) consumer.receive(5000);
                        assertNotNull(m, "confirmed message " + i + " is missing after the takeover");
                        assertEquals("order " + i, m.getText());
                    }
                    assertNull(consumer.receive(300), "a message came twice");
                }
            }
        }
    }

    @Test
    void liveBrokerRefusesAStoreAnotherBrokerHolds() throws Exception {
        int port = ChildBroker.freePort();
        try (ChildBroker live = ChildBroker.start(data, port)) {
            Process second = ChildBroker.java("--port", String.valueOf(ChildBroker.freePort()), "--host", "localhost",
                    "--data", data.toString()).redirectErrorStream(true).start();
            String out = new String(second.getInputStream().readAllBytes());
            assertEquals(1, second.waitFor(), out);
            assertTrue(out.contains("locked") || out.contains("lock"), "the error names the lock: " + out);
            assertTrue(live.isAlive());
        }
    }
}
