package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A MessageListener may recover, acknowledge, commit or roll back its own session from inside
 * onMessage; the message it is handling is part of what that call settles.
 */
class ListenerSessionControlIT extends BrokerTestSupport {

    private void send(Queue queue, String... texts) throws JMSException {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(queue);
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
        s.close();
    }

    private static String describe(Message m) {
        try {
            return ((TextMessage) m).getText() + (m.getJMSRedelivered() ? "*" : "");
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void recoverInsideAutoAckListenerRedeliversTheCurrentMessageMarkedRedelivered() throws Exception {
        Queue queue = new dev.wharf.jms.JmsQueue(unique("listener.recover.auto"));
        send(queue, "a", "b");
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        s.createConsumer(queue).setMessageListener(m -> {
            seen.add(describe(m));
            try {
                if (describe(m).equals("b")) {
                    s.recover();
                } else if (describe(m).equals("b*")) {
                    done.countDown();
                }
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(done.await(20, TimeUnit.SECONDS), "seen " + seen);
        assertEquals(List.of("a", "b", "b*"), seen);
        s.close();
        assertNull(nextOn(queue), "b was acknowledged after its redelivery");
    }

    @Test
    void recoverInsideClientAckListenerRedeliversTheCurrentMessageToo() throws Exception {
        Queue queue = new dev.wharf.jms.JmsQueue(unique("listener.recover.client"));
        send(queue, "a", "b");
        Connection c = connect();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        s.createConsumer(queue).setMessageListener(m -> {
            seen.add(describe(m));
            try {
                switch (describe(m)) {
                    case "b" -> s.recover();
                    case "b*" -> {
                        m.acknowledge();
                        done.countDown();
                    }
                    default -> { }
                }
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(done.await(20, TimeUnit.SECONDS), "seen " + seen);
        assertEquals(List.of("a", "b", "a*", "b*"), seen);
        s.close();
        assertNull(nextOn(queue), "acknowledge inside onMessage covered the current message");
    }

    @Test
    void commitInsideTransactedListenerIncludesTheCurrentMessage() throws Exception {
        Queue queue = new dev.wharf.jms.JmsQueue(unique("listener.commit"));
        send(queue, "a");
        Connection c = connect();
        Session s = c.createSession(true, Session.SESSION_TRANSACTED);
        CountDownLatch done = new CountDownLatch(1);
        s.createConsumer(queue).setMessageListener(m -> {
            try {
                s.commit();
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
            done.countDown();
        });
        assertTrue(done.await(20, TimeUnit.SECONDS));
        s.close();
        assertNull(nextOn(queue), "the commit inside onMessage consumed the message");
    }

    @Test
    void rollbackInsideTransactedListenerRedeliversTheCurrentMessage() throws Exception {
        Queue queue = new dev.wharf.jms.JmsQueue(unique("listener.rollback"));
        send(queue, "a");
        Connection c = connect();
        Session s = c.createSession(true, Session.SESSION_TRANSACTED);
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        s.createConsumer(queue).setMessageListener(m -> {
            seen.add(describe(m));
            try {
                if (m.getJMSRedelivered()) {
                    s.commit();
                    done.countDown();
                } else {
                    s.rollback();
                }
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(done.await(20, TimeUnit.SECONDS), "seen " + seen);
        assertEquals(List.of("a", "a*"), seen);
        s.close();
        assertNull(nextOn(queue));
    }

    private Message nextOn(Queue queue) throws JMSException {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(queue);
        Message m = consumer.receive(500);
        s.close();
        return m;
    }
}
