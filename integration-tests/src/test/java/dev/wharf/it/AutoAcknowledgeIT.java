package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AUTO_ACKNOWLEDGE: with {@code blockOnAcknowledge=false} the acknowledgement is not waited for,
 * yet a consumed message is gone for everyone once the session is done with it; by default each
 * acknowledgement is forced before receive() returns the next message, so none comes back
 * after a kill -9.
 */
@Timeout(120)
class AutoAcknowledgeIT {

    @TempDir
    Path data;

    private static void send(Connection c, Queue q, int n) throws Exception {
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(q);
        p.setDeliveryMode(DeliveryMode.PERSISTENT);
        for (int i = 0; i < n; i++) {
            p.send(s.createTextMessage("m" + i));
        }
        s.close();
    }

    @Test
    void messagesConsumedWithoutWaitingForTheirAcksAreGoneForAnotherConnectionOnceTheSessionCloses() throws Exception {
        try (ChildBroker broker = ChildBroker.start(data, ChildBroker.freePort());
             Connection consumerConnection = new WharfConnectionFactory(broker.url() + "?blockOnAcknowledge=false").createConnection();
             Connection other = new WharfConnectionFactory(broker.url()).createConnection()) {
            consumerConnection.start();
            Session s = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("autoack.gone");
            send(other, q, 500);
            MessageConsumer consumer = s.createConsumer(q);
            for (int i = 0; i < 500; i++) {
                TextMessage m = (TextMessage) consumer.receive(10_000);
                assertNotNull(m, "message " + i + " did not come");
                assertEquals("m" + i, m.getText());
                assertFalse(m.getJMSRedelivered());
            }
            s.close();
            Session look = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = look.createBrowser(q);
            assertFalse(browser.getEnumeration().hasMoreElements(), "an acknowledged message is still on the queue");
            other.start();
            assertNull(look.createConsumer(q).receive(500), "an acknowledged message was delivered again");
        }
    }

    @Test
    void theAcknowledgementOfAConsumerThatGoesIdleAfterReceivingReachesTheBroker() throws Exception {
        // The ACK nobody waits for goes out lazily (with the next write, or before the next wait
        // for the socket); a consumer that receives once and then does nothing at all must not
        // leave it behind in the client.
        try (ChildBroker broker = ChildBroker.start(data, ChildBroker.freePort());
             Connection consumerConnection = new WharfConnectionFactory(broker.url() + "?blockOnAcknowledge=false").createConnection();
             Connection other = new WharfConnectionFactory(broker.url()).createConnection()) {
            consumerConnection.start();
            Session s = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("autoack.idle");
            send(other, q, 1);
            MessageConsumer consumer = s.createConsumer(q);
            assertNotNull(consumer.receive(10_000));
            // The consumer, its session and its connection stay open and untouched from here on.
            Session look = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            boolean onQueue = true;
            while (onQueue && System.nanoTime() < deadline) {
                QueueBrowser browser = look.createBrowser(q);
                onQueue = browser.getEnumeration().hasMoreElements();
                browser.close();
                if (onQueue) {
                    Thread.sleep(50);
                }
            }
            assertFalse(onQueue, "the broker never got the acknowledgement of the message the idle consumer received");
        }
    }

    @Test
    void withBlockOnAcknowledgeNoReceivedMessageComesBackAfterAKill() throws Exception {
        int port = ChildBroker.freePort();
        ChildBroker broker = ChildBroker.start(data, port);
        try {
            try (Connection c = new WharfConnectionFactory(broker.url() + "?blockOnAcknowledge=true").createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue q = s.createQueue("autoack.durable");
                send(c, q, 200);
                c.start();
                MessageConsumer consumer = s.createConsumer(q);
                for (int i = 0; i < 150; i++) {
                    assertNotNull(consumer.receive(10_000), "message " + i + " did not come");
                }
                // The 150th receive returned, so the 149 acknowledgements before it were forced;
                // the 150th is on its way. kill -9 at once.
                broker.kill();
            } catch (jakarta.jms.JMSException expected) {
                // closing a connection whose broker was killed
            }
            broker.close();
            broker = ChildBroker.start(data, port);
            try (Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = s.createConsumer(s.createQueue("autoack.durable"));
                Message first = consumer.receive(10_000);
                assertNotNull(first, "the unconsumed messages were lost");
                String text = ((TextMessage) first).getText();
                int n = Integer.parseInt(text.substring(1));
                // At most the last one received before the kill may come back (its ACK was in flight).
                assertEquals(true, n >= 149, "an acknowledged message came back after the kill: " + text);
                int count = 1;
                while (consumer.receive(1_000) != null) {
                    count++;
                }
                assertEquals(200 - n, count, "messages after " + text);
            }
        } finally {
            broker.close();
        }
    }
}
