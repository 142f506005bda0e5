package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.IllegalStateException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import org.junit.jupiter.api.Test;

/** The JMS 1.1 domain sessions refuse the other domain's methods with IllegalStateException. */
class DomainSessionIT extends BrokerTestSupport {

    @Test
    void queueSessionRefusesTopicMethods() throws Exception {
        QueueConnection c = factory.createQueueConnection();
        try {
            QueueSession s = c.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = new dev.wharf.jms.JmsTopic(unique("domain.topic"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.createTopic("t"));
            assertTrue(e.getMessage().contains("QueueSession"), e.getMessage());
            assertThrows(IllegalStateException.class, s::createTemporaryTopic);
            assertThrows(IllegalStateException.class, () -> s.createDurableSubscriber(topic, "sub"));
            assertThrows(IllegalStateException.class, () -> s.createDurableSubscriber(topic, "sub", null, false));
            assertThrows(IllegalStateException.class, () -> s.createDurableConsumer(topic, "sub"));
            assertThrows(IllegalStateException.class, () -> s.createSharedConsumer(topic, "sub"));
            assertThrows(IllegalStateException.class, () -> s.createSharedDurableConsumer(topic, "sub"));
            assertThrows(IllegalStateException.class, () -> s.unsubscribe("sub"));
            assertNotNull(s.createQueue("q"), "queue methods still work");
            assertNotNull(s.createBrowser(s.createQueue(unique("domain.queue"))));
        } finally {
            c.close();
        }
    }

    @Test
    void topicSessionRefusesQueueMethods() throws Exception {
        TopicConnection c = factory.createTopicConnection();
        try {
            TopicSession s = c.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = new dev.wharf.jms.JmsQueue(unique("domain.queue"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.createQueue("q"));
            assertTrue(e.getMessage().contains("TopicSession"), e.getMessage());
            assertThrows(IllegalStateException.class, s::createTemporaryQueue);
            assertThrows(IllegalStateException.class, () -> s.createBrowser(queue));
            assertThrows(IllegalStateException.class, () -> s.createBrowser(queue, "a = 1"));
            assertNotNull(s.createTopic("t"), "topic methods still work");
        } finally {
            c.close();
        }
    }

    @Test
    void genericSessionOfAQueueConnectionAllowsBothDomains() throws Exception {
        QueueConnection c = factory.createQueueConnection();
        try {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertNotNull(s.createTopic("t"));
            assertNotNull(s.createQueue("q"));
        } finally {
            c.close();
        }
    }
}
