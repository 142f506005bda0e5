package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What an operator's monitoring sees over JMX: the broker's counters, and each queue and durable subscription. */
@Timeout(60)
class JmxMonitoringIT {

    @TempDir
    Path dir;

    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "not within 10 s: " + what);
            Thread.sleep(50);
        }
    }

    private Set<ObjectName> beans(String pattern) {
        try {
            return jmx.queryNames(new ObjectName(pattern), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Object attribute(ObjectName name, String attribute) throws Exception {
        return jmx.getAttribute(name, attribute);
    }

    private Object get(ObjectName name, String attribute) {
        try {
            return attribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void queuesAndDurableSubscriptionsArePublishedWithTheirCountsAndGoWhenDeleted() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(dir.resolve("data")).host("localhost").port(0)
                .brokerName("jmx-test").build()) {
            broker.start();
            String prefix = "dev.wharf:broker=\"jmx-test\",port=" + broker.port();
            ObjectName status = broker.statusName();
            try (Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
                c.setClientID("monitor-1");
                c.start();
                Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                Queue q = s.createQueue("orders.eu");
                MessageProducer p = s.createProducer(q);
                for (int i = 0; i < 3; i++) {
                    p.send(s.createTextMessage("order " + i));
                }
                Topic t = s.createTopic("events");
                s.createDurableSubscriber(t, "trail").close();
                s.createProducer(t).send(s.createTextMessage("event"));
                MessageConsumer consumer = s.createConsumer(q);
                Message first = consumer.receive(5000);
                assertNotNull(first);

                assertEquals(1, attribute(status, "ConnectionCount"));
                assertTrue((Long) attribute(status, "MessageBytes") > 0);

                ObjectName queue = new ObjectName(prefix + ",type=Queue,name=\"orders.eu\"");
                await("the queue's bean", () -> jmx.isRegistered(queue));
                // Nothing acknowledged yet: all three count, and the consumer has (at least) the one it received.
                assertEquals(3L, attribute(queue, "MessageCount"));
                assertTrue((Long) attribute(queue, "DeliveringCount") >= 1);
                assertEquals(1, attribute(queue, "ConsumerCount"));
                assertEquals(null, attribute(queue, "Topic"));
                first.acknowledge();
                await("the acknowledged message to leave the count", () -> Long.valueOf(2).equals(get(queue, "MessageCount")));

                ObjectName trail = new ObjectName(prefix + ",type=Subscription,topic=\"events\",clientId=\"monitor-1\",name=\"trail\"");
                await("the durable subscription's bean", () -> jmx.isRegistered(trail));
                assertEquals(1L, attribute(trail, "MessageCount"));
                assertEquals("events", attribute(trail, "Topic"));
                assertEquals(0, attribute(trail, "ConsumerCount"));
                assertTrue(beans(prefix + ",type=Queue,*").stream().noneMatch(n -> n.toString().contains("temp")),
                        beans(prefix + ",type=Queue,*").toString());

                s.unsubscribe("trail");
                await("the deleted subscription's bean to go", () -> !jmx.isRegistered(trail));
            }
            await("the connection to go", () -> Integer.valueOf(0).equals(get(status, "ConnectionCount")));
            broker.close();
            assertTrue(beans(prefix + ",*").isEmpty(), "beans left after close: " + beans(prefix + ",*"));
        }
    }
}
