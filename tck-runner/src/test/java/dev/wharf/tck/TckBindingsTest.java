package dev.wharf.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnectionFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.InitialContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves, without the TCK, that the runner's {@code jndi.properties} binds every object the TCK
 * looks up and that they work against the broker the runner starts (authentication on).
 */
class TckBindingsTest {

    static final List<String> QUEUES = List.of("MY_QUEUE", "MY_QUEUE2", "testQ0", "testQ1", "testQ2", "testQueue2", "Q2");
    static final List<String> TOPICS = List.of("MY_TOPIC", "MY_TOPIC2", "testT0", "testT1", "testT2");
    static final List<String> FACTORIES = List.of("MyConnectionFactory", "MyQueueConnectionFactory",
            "MyTopicConnectionFactory", "DURABLE_SUB_CONNECTION_FACTORY");

    static TckBroker broker;
    static InitialContext jndi;

    @BeforeAll
    static void startBroker() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "tck-bindings-test"));
        broker = TckBroker.start(work);
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.PROVIDER_URL, broker.url());
        jndi = new InitialContext(env);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (jndi != null) {
            jndi.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void bindsEveryQueueTheTckLooksUpUnderItsOwnName() throws Exception {
        for (String name : QUEUES) {
            Queue q = assertInstanceOf(Queue.class, jndi.lookup(name), name);
            assertEquals(name, q.getQueueName());
        }
    }

    @Test
    void bindsEveryTopicTheTckLooksUpUnderItsOwnName() throws Exception {
        for (String name : TOPICS) {
            Topic t = assertInstanceOf(Topic.class, jndi.lookup(name), name);
            assertEquals(name, t.getTopicName());
        }
    }

    @Test
    void everyFactoryIsQueueAndTopicFactoryAndConnectsWithTheTckUserByDefault() throws Exception {
        for (String name : FACTORIES) {
            Object o = jndi.lookup(name);
            assertInstanceOf(QueueConnectionFactory.class, o, name);
            assertInstanceOf(TopicConnectionFactory.class, o, name);
            try (Connection c = ((ConnectionFactory) o).createConnection()) {
                c.start();
            }
        }
    }

    @Test
    void durableSubscriptionFactoryHasClientIdCtsSetAdministratively() throws Exception {
        ConnectionFactory cf = (ConnectionFactory) jndi.lookup("DURABLE_SUB_CONNECTION_FACTORY");
        try (Connection c = cf.createConnection(System.getProperty("tck.user"), System.getProperty("tck.password"))) {
            assertEquals("cts", c.getClientID());
            assertThrows(IllegalStateException.class, () -> c.setClientID("other"));
        }
    }

    @Test
    void brokerRefusesWrongCredentials() throws Exception {
        ConnectionFactory cf = (ConnectionFactory) jndi.lookup("MyConnectionFactory");
        assertThrows(JMSSecurityException.class, () -> cf.createConnection("invalid", "invalid").close());
        assertThrows(JMSSecurityException.class, () -> cf.createConnection(System.getProperty("tck.user"), "wrong").close());
    }

    @Test
    void messageSentThroughBoundObjectsArrives() throws Exception {
        ConnectionFactory cf = (ConnectionFactory) jndi.lookup("MyConnectionFactory");
        Queue queue = (Queue) jndi.lookup("testQ2");
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(queue);
            c.start();
            s.createProducer(queue).send(s.createTextMessage("bindings work"));
            TextMessage m = (TextMessage) consumer.receive(10_000);
            assertEquals("bindings work", m == null ? null : m.getText());
        }
    }
}
