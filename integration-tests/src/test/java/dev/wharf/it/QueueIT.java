package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QueueIT extends BrokerTestSupport {

    private static List<String> texts(MessageConsumer consumer, int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TextMessage m = (TextMessage) consumer.receive(5000);
            assertNotNull(m, "message " + i + " of " + n + " did not arrive");
            out.add(m.getText());
        }
        return out;
    }

    @Test
    void messagesFromOneProducerArriveInSendOrderExactlyOnce() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("order"));
        MessageProducer p = s.createProducer(q);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add("m" + i);
            p.send(s.createTextMessage("m" + i));
        }
        MessageConsumer c = s.createConsumer(q);
        assertEquals(sent, texts(c, 200));
        assertNull(c.receive(300), "no message may arrive twice");
    }

    @Test
    void consumerOfANeverStartedConnectionDoesNotTakeMessagesFromAStartedOne() throws Exception {
        // The TCK's jmsconsumertests open a consumer on a connection they never start and
        // then expect a second, started consumer to get every message.
        Connection idle = factory.createConnection();
        try {
            Session idleSession = idle.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = idleSession.createQueue(unique("idle"));
            MessageConsumer idleConsumer = idleSession.createConsumer(q);
            Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(q).send(s.createTextMessage("one"));
            MessageConsumer c = s.createConsumer(q);
            assertEquals(List.of("one"), texts(c, 1));

            idle.start();
            s.createProducer(q).send(s.createTextMessage("two"));
            c.close();
            TextMessage m = (TextMessage) idleConsumer.receive(5000);
            assertNotNull(m, "a consumer whose connection was started later must get messages");
            assertEquals("two", m.getText());
        } finally {
            idle.close();
        }
    }

    @Test
    void stoppedConnectionHoldsMessagesForItsConsumersUntilStartedAgain() throws Exception {
        Connection conn = connect();
        Session s = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("paused"));
        MessageConsumer c = s.createConsumer(q);
        conn.stop();
        Session other = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        other.createProducer(q).send(other.createTextMessage("held"));
        MessageConsumer rival = other.createConsumer(q);
        TextMessage taken = (TextMessage) rival.receive(5000);
        assertNotNull(taken, "a stopped connection must not hold on to queue messages");
        assertEquals("held", taken.getText());
        rival.close();
        other.createProducer(q).send(other.createTextMessage("after"));
        conn.start();
        assertEquals(List.of("after"), texts(c, 1));
    }

    @Test
    void higherPriorityIsDeliveredFirstAndFifoWithinAPriority() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("prio"));
        MessageProducer p = s.createProducer(q);
        p.send(s.createTextMessage("low-1"), DeliveryMode.PERSISTENT, 1, 0);
        p.send(s.createTextMessage("high-1"), DeliveryMode.PERSISTENT, 9, 0);
        p.send(s.createTextMessage("low-2"), DeliveryMode.PERSISTENT, 1, 0);
        p.send(s.createTextMessage("high-2"), DeliveryMode.PERSISTENT, 9, 0);
        p.send(s.createTextMessage("normal"), DeliveryMode.PERSISTENT, 4, 0);
        assertEquals(List.of("high-1", "high-2", "normal", "low-1", "low-2"), texts(s.createConsumer(q), 5));
    }

    @Test
    void twoConsumersShareAQueueWithoutDuplicates() throws Exception {
        Connection conn = connect();
        Session s1 = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s1.createQueue(unique("shared"));
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(100);
        for (Session s : List.of(s1, s2)) {
            s.createConsumer(q).setMessageListener(m -> {
                try {
                    got.add(((TextMessage) m).getText());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                all.countDown();
            });
        }
        Session ps = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = ps.createProducer(q);
        for (int i = 0; i < 100; i++) {
            p.send(ps.createTextMessage("m" + i));
        }
        assertTrue(all.await(10, TimeUnit.SECONDS), "only " + got.size() + " of 100 arrived");
        Thread.sleep(200);
        assertEquals(100, got.size());
        assertEquals(100, got.stream().distinct().count());
    }

    @Test
    void prefetchZeroConsumerPullsEachMessage() throws Exception {
        WharfConnectionFactory pull = new WharfConnectionFactory(broker.url() + "?prefetch=0");
        try (Connection conn = pull.createConnection()) {
            conn.start();
            Session s = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue(unique("pull"));
            MessageConsumer c = s.createConsumer(q);
            assertNull(c.receiveNoWait());
            MessageProducer p = s.createProducer(q);
            p.send(s.createTextMessage("a"));
            p.send(s.createTextMessage("b"));
            assertEquals("a", ((TextMessage) c.receive(5000)).getText());
            // A second consumer gets "b": the first one did not prefetch it.
            Session s2 = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertEquals("b", ((TextMessage) s2.createConsumer(q).receive(5000)).getText());
            assertNull(c.receive(200));
        }
    }

    @Test
    void browserSeesMessagesWithoutConsumingThem() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("browse"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 3; i++) {
            TextMessage m = s.createTextMessage("m" + i);
            m.setIntProperty("n", i);
            p.send(m);
        }
        QueueBrowser all = s.createBrowser(q);
        assertEquals(3, Collections.list(all.getEnumeration()).size());
        QueueBrowser some = s.createBrowser(q, "n >= 1");
        assertEquals(2, Collections.list(some.getEnumeration()).size());
        assertEquals(List.of("m0", "m1", "m2"), texts(s.createConsumer(q), 3));
    }

    @Test
    void clientAcknowledgeAcknowledgesEverythingConsumedInTheSession() throws Exception {
        Connection conn = connect();
        Session s = conn.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("clientack"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 3; i++) {
            p.send(s.createTextMessage("m" + i));
        }
        MessageConsumer c = s.createConsumer(q);
        c.receive(5000);
        Message second = c.receive(5000);
        second.acknowledge(); // acknowledges m0 and m1
        Message third = c.receive(5000);
        assertEquals("m2", ((TextMessage) third).getText());
        s.close(); // m2 unacknowledged: back to the queue
        Session s2 = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TextMessage again = (TextMessage) s2.createConsumer(q).receive(5000);
        assertEquals("m2", again.getText());
        assertTrue(again.getJMSRedelivered());
        assertNull(s2.createConsumer(q).receive(200));
    }

    @Test
    void recoverRedeliversWithRedeliveredFlagAndDeliveryCount() throws Exception {
        Session s = connect().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("recover"));
        s.createProducer(q).send(s.createTextMessage("x"));
        MessageConsumer c = s.createConsumer(q);
        Message first = c.receive(5000);
        assertFalse(first.getJMSRedelivered());
        assertEquals(1, first.getIntProperty("JMSXDeliveryCount"));
        s.recover();
        Message second = c.receive(5000);
        assertEquals("x", ((TextMessage) second).getText());
        assertTrue(second.getJMSRedelivered());
        assertEquals(2, second.getIntProperty("JMSXDeliveryCount"));
        second.acknowledge();
        assertNull(c.receive(200));
    }

    @Test
    void listenerThatThrowsInAutoModeGetsTheMessageAgain() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("throwing"));
        CountDownLatch done = new CountDownLatch(1);
        List<Integer> counts = Collections.synchronizedList(new ArrayList<>());
        s.createConsumer(q).setMessageListener(m -> {
            try {
                counts.add(m.getIntProperty("JMSXDeliveryCount"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            if (counts.size() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            done.countDown();
        });
        Session ps = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        ps.createProducer(q).send(ps.createTextMessage("retry me"));
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(1, 2), counts);
    }
}
