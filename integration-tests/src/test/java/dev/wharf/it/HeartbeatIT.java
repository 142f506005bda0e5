package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keep-alive both ways: a client notices a broker that falls silent without closing its socket
 * (a hung host, a network that drops packets), and a broker notices a client that does.
 */
@Timeout(120)
class HeartbeatIT {

    @TempDir
    Path data;

    @Test
    void clientTakesASilentBrokerForDeadAndTellsItsExceptionListener() throws Exception {
        try (ChildBroker broker = ChildBroker.start(data, ChildBroker.freePort())) {
            Connection c = new WharfConnectionFactory(broker.url() + "?heartbeatInterval=200&connectionTtl=1000").createConnection();
            CountDownLatch heard = new CountDownLatch(1);
            AtomicReference<JMSException> cause = new AtomicReference<>();
            c.setExceptionListener(e -> {
                cause.set(e);
                heard.countDown();
            });
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("hb.silent"));
            CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return consumer.receive(60_000);
                } catch (JMSException e) {
                    return e;
                }
            });
            broker.suspend();
            assertTrue(heard.await(20, TimeUnit.SECONDS), "the client never noticed that its broker fell silent");
            assertTrue(cause.get().getMessage().contains("sent nothing for"), cause.get().getMessage());
            // The consumer blocked in receive() is released, not left hanging for its full timeout.
            Object outcome = waiting.get(10, TimeUnit.SECONDS);
            assertTrue(outcome == null || outcome instanceof JMSException, String.valueOf(outcome));
            c.close();
        }
    }

    @Test
    void anIdleConnectionWithFrequentHeartbeatsStaysOpenAtBothEnds() throws Exception {
        try (ChildBroker broker = ChildBroker.start(data, ChildBroker.freePort());
             Connection c = new WharfConnectionFactory(broker.url() + "?heartbeatInterval=100&connectionTtl=400")
                     .createConnection()) {
            AtomicReference<JMSException> heard = new AtomicReference<>();
            c.setExceptionListener(heard::set);
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("hb.idle");
            MessageConsumer consumer = s.createConsumer(q);
            MessageProducer producer = s.createProducer(q);
            Thread.sleep(3_000); // many TTLs with no application traffic either way
            producer.send(s.createTextMessage("still here"));
            assertEquals("still here", ((TextMessage) consumer.receive(5_000)).getText());
            assertNull(heard.get(), "a connection kept alive by heartbeats was taken for dead");
        }
    }

    @Test
    void clientFailsOverToTheBackupWhenTheLiveBrokerFallsSilent() throws Exception {
        // A silent live broker still holds the store's lock, so no backup can take over; what the
        // client can do is notice, drop the connection and keep trying its addresses until one
        // answers. Here the "backup" is the same broker after it resumes.
        try (ChildBroker broker = ChildBroker.start(data, ChildBroker.freePort())) {
            AtomicReference<JMSException> heard = new AtomicReference<>();
            Connection c = new WharfConnectionFactory(broker.url() + "?heartbeatInterval=200&connectionTtl=1000"
                    + "&reconnectAttempts=-1&reconnectInterval=100&reconnectMaxInterval=500&reconnectTimeout=60000"
                    + "&connectTimeout=1000&requestTimeout=2000").createConnection();
            c.setExceptionListener(heard::set);
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("hb.failover");
            MessageProducer producer = s.createProducer(q);
            MessageConsumer consumer = s.createConsumer(q);
            producer.send(s.createTextMessage("before"));
            assertEquals("before", ((TextMessage) consumer.receive(5_000)).getText());
            broker.suspend();
            Thread.sleep(2_500); // past the TTL: the client has dropped the link and is reconnecting
            broker.resume();
            producer.send(s.createTextMessage("after"));
            TextMessage after = (TextMessage) consumer.receive(20_000);
            assertEquals("after", after == null ? null : after.getText());
            assertNull(heard.get(), "the ExceptionListener heard of a reconnect that succeeded");
            c.close();
        }
    }
}
