package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicIT extends BrokerTestSupport {

    @Test
    void everySubscriberReceivesEveryMessage() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("fanout"));
        MessageConsumer a = s.createConsumer(t);
        MessageConsumer b = s.createConsumer(t);
        s.createProducer(t).send(s.createTextMessage("hello"));
        assertEquals("hello", ((TextMessage) a.receive(5000)).getText());
        assertEquals("hello", ((TextMessage) b.receive(5000)).getText());
    }

    @Test
    void nonDurableSubscriberMissesWhatWasPublishedBeforeIt() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("late"));
        s.createProducer(t).send(s.createTextMessage("too early"));
        assertNull(s.createConsumer(t).receive(300));
    }

    @Test
    void durableSubscriberOfflineWhilePublishingReceivesAllThousandOnReturn() throws Exception {
        String topicName = unique("durable");
        String clientId = unique("client");
        try (Connection c = factory.createConnection()) {
            c.setClientID(clientId);
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createDurableSubscriber(s.createTopic(topicName), "sub").close();
        }
        Session ps = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = ps.createProducer(ps.createTopic(topicName));
        for (int i = 0; i < 1000; i++) {
            p.send(ps.createTextMessage("m" + i));
        }
        try (Connection c = factory.createConnection()) {
            c.setClientID(clientId);
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TopicSubscriber sub = s.createDurableSubscriber(s.createTopic(topicName), "sub");
            for (int i = 0; i < 1000; i++) {
                TextMessage m = (TextMessage) sub.receive(5000);
                assertNotNull(m, "message " + i + " missing");
                assertEquals("m" + i, m.getText());
            }
            assertNull(sub.receive(200));
            sub.close();
            s.unsubscribe("sub");
        }
    }

    @Test
    void unsubscribingAnUnknownSubscriptionIsAnInvalidDestination() throws Exception {
        Connection c = factory.createConnection();
        try {
            c.setClientID(unique("client"));
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThrows(InvalidDestinationException.class, () -> s.unsubscribe("no-such-subscription"));
        } finally {
            c.close();
        }
    }

    @Test
    void sharedDurableSubscriptionSplitsMessagesBetweenItsConsumers() throws Exception {
        Connection conn = connect();
        Session s1 = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s1.createTopic(unique("shared"));
        MessageConsumer a = s1.createSharedDurableConsumer(t, "workers");
        MessageConsumer b = s2.createSharedDurableConsumer(t, "workers");
        Session ps = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = ps.createProducer(t);
        for (int i = 0; i < 20; i++) {
            p.send(ps.createTextMessage("m" + i));
        }
        Set<String> got = new HashSet<>();
        int fromA = drain(a, got);
        int fromB = drain(b, got);
        assertEquals(20, fromA + fromB, "every message once");
        assertEquals(20, got.size());
        a.close();
        b.close();
        s1.unsubscribe("workers");
    }

    private static int drain(MessageConsumer c, Set<String> got) throws JMSException {
        int n = 0;
        TextMessage m;
        while ((m = (TextMessage) c.receive(500)) != null) {
            got.add(m.getText());
            n++;
        }
        return n;
    }

    @Test
    void noLocalSubscriberDoesNotReceiveItsOwnConnectionsMessages() throws Exception {
        Connection mine = connect();
        Session s = mine.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("nolocal"));
        MessageConsumer noLocal = s.createConsumer(t, null, true);
        s.createProducer(t).send(s.createTextMessage("own"));
        Session other = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        other.createProducer(t).send(other.createTextMessage("foreign"));
        assertEquals("foreign", ((TextMessage) noLocal.receive(5000)).getText());
        assertNull(noLocal.receive(300));
    }

    @Test
    void secondActiveConsumerOnAnUnsharedDurableSubscriptionIsRefused() throws Exception {
        Connection c = factory.createConnection();
        try {
            c.setClientID(unique("client"));
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic(unique("single"));
            MessageConsumer first = s.createDurableConsumer(t, "only");
            JMSException e = assertThrows(JMSException.class, () -> s.createDurableConsumer(t, "only"));
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            first.close();
            s.unsubscribe("only");
        } finally {
            c.close();
        }
    }
}
