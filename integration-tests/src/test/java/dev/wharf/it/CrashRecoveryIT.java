package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker runs in a child JVM and is killed with destroyForcibly(): confirmed work survives, exactly once. */
@Timeout(180)
class CrashRecoveryIT {

    @TempDir
    Path data;

    @Test
    void confirmedPersistentMessagesSurviveKillNineExactlyOnce() throws Exception {
        int port = ChildBroker.freePort();
        ChildBroker broker = ChildBroker.start(data, port);
        WharfConnectionFactory cf = new WharfConnectionFactory(broker.url());
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("orders"));
            for (int i = 0; i < 100; i++) {
                p.send(s.createTextMessage("order " + i)); // returns only once the broker journaled it
            }
            MessageProducer np = s.createProducer(s.createQueue("orders"));
            np.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            np.send(s.createTextMessage("non-persistent"));
        }
        broker.kill();

        try (ChildBroker restarted = ChildBroker.start(data, port); Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("orders"));
            for (int i = 0; i < 100; i++) {
                TextMessage m = (TextMessage) consumer.receive(5000);
                assertNotNull(m, "confirmed message " + i + " lost in the crash");
                assertEquals("order " + i, m.getText());
            }
            assertNull(consumer.receive(500), "a duplicate or the non-persistent message came back");
        }
    }

    @Test
    void acknowledgedMessagesStayGoneAndUnacknowledgedOnesComeBack() throws Exception {
        int port = ChildBroker.freePort();
        ChildBroker broker = ChildBroker.start(data, port);
        WharfConnectionFactory cf = new WharfConnectionFactory(broker.url());
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("work");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 10; i++) {
                p.send(s.createTextMessage("job " + i));
            }
            MessageConsumer auto = s.createConsumer(q);
            for (int i = 0; i < 4; i++) {
                assertNotNull(auto.receive(5000)); // acknowledged with confirmation on return
            }
            auto.close();
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer inTx = tx.createConsumer(q);
            assertNotNull(inTx.receive(5000)); // consumed, never committed
            broker.kill();
        } catch (JMSException expectedOnClose) {
            // closing a connection whose broker was killed may report the loss
        }

        try (ChildBroker restarted = ChildBroker.start(data, port); Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("work"));
            Set<String> left = new HashSet<>();
            Message m;
            while ((m = consumer.receive(1000)) != null) {
                assertTrue(left.add(((TextMessage) m).getText()), "duplicate after restart");
            }
            assertEquals(Set.of("job 4", "job 5", "job 6", "job 7", "job 8", "job 9"), left);
        }
    }

    @Test
    void durableSubscriptionAndItsBacklogSurviveARestart() throws Exception {
        int port = ChildBroker.freePort();
        WharfConnectionFactory cf = new WharfConnectionFactory("wharf://localhost:" + port);
        try (ChildBroker broker = ChildBroker.start(data, port)) {
            try (Connection c = cf.createConnection()) {
                c.setClientID("crash-client");
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Topic t = s.createTopic("prices");
                s.createDurableSubscriber(t, "watcher").close();
                MessageProducer p = s.createProducer(t);
                for (int i = 0; i < 50; i++) {
                    p.send(s.createTextMessage("p" + i));
                }
            }
            broker.kill();
        }
        try (ChildBroker broker = ChildBroker.start(data, port); Connection c = cf.createConnection()) {
            c.setClientID("crash-client");
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer sub = s.createDurableSubscriber(s.createTopic("prices"), "watcher");
            AtomicInteger n = new AtomicInteger();
            for (int i = 0; i < 50; i++) {
                TextMessage m = (TextMessage) sub.receive(5000);
                assertNotNull(m, "published message " + i + " lost");
                assertEquals("p" + i, m.getText());
                n.incrementAndGet();
            }
            assertNull(sub.receive(300));
        }
    }
}
