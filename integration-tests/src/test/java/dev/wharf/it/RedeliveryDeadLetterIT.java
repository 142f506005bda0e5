package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.protocol.WharfProperties;
import dev.wharf.server.AddressSettings;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Redelivery delays, dead-letter queues and expiry queues, configured per address with wildcards. */
class RedeliveryDeadLetterIT extends ConfiguredBrokerTestSupport {

    @Override
    EmbeddedBroker.Builder configure(EmbeddedBroker.Builder b) {
        return b.addressSettings("retry.#", AddressSettings.UNSET.withMaxDeliveryAttempts(5).withRedeliveryDelayMillis(200)
                        .withRedeliveryMultiplier(2.0))
                .addressSettings("dead.#", AddressSettings.UNSET.withMaxDeliveryAttempts(3).withDeadLetterAddress("dead.letters"))
                .addressSettings("dead.unlimited", AddressSettings.UNSET.withMaxDeliveryAttempts(-1))
                .addressSettings("stale.*", AddressSettings.UNSET.withExpiryAddress("stale.expired"));
    }

    @Test
    void listenerThatThrowsThreeTimesGetsTheMessageOnTheFourthAttemptAfterGrowingDelays() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("retry.payments");
        List<Long> attempts = new CopyOnWriteArrayList<>();
        List<Integer> counts = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        s.createConsumer(q).setMessageListener(m -> {
            attempts.add(System.nanoTime());
            try {
                counts.add(m.getIntProperty("JMSXDeliveryCount"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (attempts.size() <= 3) {
                throw new IllegalStateException("payment service down (attempt " + attempts.size() + ")");
            }
            done.countDown();
        });
        connection.createSession(false, Session.AUTO_ACKNOWLEDGE).createProducer(q)
                .send(s.createTextMessage("pay 10 EUR"));

        assertTrue(done.await(20, TimeUnit.SECONDS), "4th attempt did not come; attempts so far: " + attempts.size());
        assertEquals(List.of(1, 2, 3, 4), counts);
        long[] expectedMinimum = {200, 400, 800};
        for (int i = 0; i < 3; i++) {
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(attempts.get(i + 1) - attempts.get(i));
            assertTrue(gapMillis >= expectedMinimum[i] - 20, "wait before attempt " + (i + 2) + " was " + gapMillis
                    + " ms, configured " + expectedMinimum[i] + " ms");
        }
    }

    @Test
    void listenerThatAlwaysThrowsSendsTheMessageToTheDeadLetterQueueWithItsOrigin() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("dead.orders");
        AtomicInteger calls = new AtomicInteger();
        MessageConsumer failing = s.createConsumer(q);
        failing.setMessageListener(m -> {
            calls.incrementAndGet();
            throw new IllegalStateException("cannot process");
        });
        Session ps = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TextMessage sent = ps.createTextMessage("order 42");
        sent.setStringProperty("customer", "acme");
        ps.createProducer(q).send(sent);

        Session ds = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TextMessage dead = (TextMessage) ds.createConsumer(ds.createQueue("dead.letters")).receive(10_000);
        assertNotNull(dead, "the message did not reach the dead-letter queue");
        assertEquals(3, calls.get(), "the listener sees the message max-delivery-attempts times");
        assertEquals("order 42", dead.getText());
        assertEquals("acme", dead.getStringProperty("customer"));
        assertEquals(sent.getJMSMessageID(), dead.getJMSMessageID());
        assertEquals("queue:dead.orders", dead.getStringProperty(WharfProperties.ORIGINAL_DESTINATION));
        assertEquals(3, dead.getIntProperty(WharfProperties.DELIVERY_ATTEMPTS));
        assertTrue(dead.getStringProperty(WharfProperties.MOVE_REASON).contains("max-delivery-attempts is 3"),
                dead.getStringProperty(WharfProperties.MOVE_REASON));
        assertEquals("dead.letters", ((Queue) dead.getJMSDestination()).getQueueName());
        assertEquals(1, dead.getIntProperty("JMSXDeliveryCount"));
        failing.close();
        assertNull(s.createConsumer(q).receiveNoWait(), "the message must have left its queue");
    }

    @Test
    void rolledBackTransactionsDeadLetterAPersistentMessageThatSurvivesARestart() throws Exception {
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue("dead.invoices");
        tx.createProducer(q).send(tx.createTextMessage("invoice 7"));
        tx.commit();
        MessageConsumer c = tx.createConsumer(q);
        for (int i = 1; i <= 3; i++) {
            Message m = c.receive(5000);
            assertNotNull(m, "attempt " + i);
            tx.rollback();
        }
        assertNull(c.receive(300), "after 3 rolled back attempts the message is dead-lettered");

        restartBroker();
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TextMessage dead = (TextMessage) s.createConsumer(s.createQueue("dead.letters")).receive(5000);
        assertNotNull(dead, "the dead-lettered message must survive a restart");
        assertEquals("invoice 7", dead.getText());
        assertEquals(DeliveryMode.PERSISTENT, dead.getJMSDeliveryMode());
        assertNull(s.createConsumer(s.createQueue("dead.invoices")).receive(300), "and not come back to its queue");
    }

    @Test
    void deliveryDelaySurvivesARestartAndIsStillHonoured() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("scheduled.reminders");
        MessageProducer p = s.createProducer(q);
        p.setDeliveryDelay(3000);
        long sentAt = System.currentTimeMillis();
        p.send(s.createTextMessage("remind me"));

        restartBroker();
        s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer c = s.createConsumer(s.createQueue("scheduled.reminders"));
        TextMessage m = (TextMessage) c.receive(15_000);
        long receivedAt = System.currentTimeMillis();
        assertNotNull(m, "a scheduled message must survive a restart");
        assertEquals("remind me", m.getText());
        assertTrue(receivedAt - sentAt >= 2900, "delivered after " + (receivedAt - sentAt) + " ms, before its delay of 3000 ms");
    }

    @Test
    void addressWithUnlimitedAttemptsKeepsRedelivering() throws Exception {
        Session s = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue("dead.unlimited");
        s.createProducer(q).send(s.createTextMessage("forever"));
        MessageConsumer c = s.createConsumer(q);
        for (int i = 1; i <= 5; i++) {
            Message m = c.receive(5000);
            assertNotNull(m, "attempt " + i + " (the more specific pattern lifts the limit of dead.#)");
            assertEquals(i, m.getIntProperty("JMSXDeliveryCount"));
            s.recover();
        }
    }

    @Test
    void durableSubscriberThatKeepsFailingDeadLettersWithTheTopicAsOrigin() throws Exception {
        connection.close();
        connection = new WharfConnectionFactory(broker.url()).createConnection();
        connection.setClientID("billing");
        connection.start();
        Session s = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Topic t = s.createTopic("dead.events");
        MessageConsumer sub = s.createDurableSubscriber(t, "audit");
        s.createProducer(t).send(s.createTextMessage("event"));
        for (int i = 1; i <= 3; i++) {
            assertNotNull(sub.receive(5000), "attempt " + i);
            s.recover();
        }
        assertNull(sub.receive(300));
        TextMessage dead = (TextMessage) s.createConsumer(s.createQueue("dead.letters")).receive(5000);
        assertNotNull(dead);
        assertEquals("topic:dead.events", dead.getStringProperty(WharfProperties.ORIGINAL_DESTINATION));
        dead.acknowledge();
    }

    @Test
    void expiredMessageMovesToTheExpiryQueueWithItsOriginalExpiration() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("stale.quotes");
        MessageProducer p = s.createProducer(q);
        p.setTimeToLive(100);
        TextMessage sent = s.createTextMessage("quote");
        p.send(sent);
        Thread.sleep(300);
        assertNull(s.createConsumer(q).receive(300), "an expired message is not delivered");
        TextMessage moved = (TextMessage) s.createConsumer(s.createQueue("stale.expired")).receive(5000);
        assertNotNull(moved, "the expired message must be in the expiry queue");
        assertEquals("quote", moved.getText());
        assertEquals(0, moved.getJMSExpiration(), "a moved message does not expire again");
        assertEquals(sent.getJMSExpiration(), moved.getLongProperty(WharfProperties.ORIGINAL_EXPIRATION));
        assertEquals("queue:stale.quotes", moved.getStringProperty(WharfProperties.ORIGINAL_DESTINATION));
    }

    @Test
    void expiredMessageOfAnAddressWithoutExpiryQueueIsDropped() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("fresh.quotes");
        MessageProducer p = s.createProducer(q);
        p.setTimeToLive(100);
        p.send(s.createTextMessage("quote"));
        Thread.sleep(300);
        assertNull(s.createConsumer(q).receive(300));
        assertNull(s.createConsumer(s.createQueue("stale.expired")).receive(300));
        assertEquals(1, broker.queueStats("fresh.quotes").expired());
    }
}
