package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.AddressSettings;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
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

    @Test
    void deadLetteredMessagesGoBackWhereTheyCameFromAndWaitingOnesCanBeRemoved() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(dir.resolve("data")).host("localhost").port(0)
                .brokerName("jmx-ops")
                .addressSettings("#", AddressSettings.UNSET.withMaxDeliveryAttempts(1)).build()) {
            broker.start();
            String prefix = "dev.wharf:broker=\"jmx-ops\",port=" + broker.port();
            try (Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
                c.setClientID("ops-1");
                c.start();
                Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
                Queue q = tx.createQueue("orders.eu");
                Topic t = tx.createTopic("events");
                MessageConsumer subscriber = tx.createDurableSubscriber(t, "trail");
                MessageProducer p = tx.createProducer(null);
                for (int i = 1; i <= 3; i++) {
                    TextMessage m = tx.createTextMessage("order " + i);
                    m.setIntProperty("n", i);
                    p.send(q, m);
                }
                p.send(t, tx.createTextMessage("event"));
                tx.commit();
                MessageConsumer consumer = tx.createConsumer(q);
                for (int i = 0; i < 3; i++) {
                    assertNotNull(consumer.receive(5000));
                }
                assertNotNull(subscriber.receive(5000));
                tx.rollback(); // one attempt each: all four are dead-lettered
                consumer.close();
                subscriber.close();

                ObjectName dlq = new ObjectName(prefix + ",type=Queue,name=\"DLQ\"");
                await("the DLQ's bean", () -> jmx.isRegistered(dlq));
                await("four dead letters", () -> Long.valueOf(4).equals(get(dlq, "MessageCount")));

                Exception bad = assertThrows(Exception.class, () -> jmx.invoke(dlq, "removeMessages",
                        new Object[] {"n =="}, new String[] {String.class.getName()}));
                assertTrue(String.valueOf(bad.getCause()).contains("n =="), String.valueOf(bad.getCause()));
                assertEquals(1, jmx.invoke(dlq, "removeMessages", new Object[] {"n = 2"}, new String[] {String.class.getName()}));
                assertEquals(3, jmx.invoke(dlq, "retryMessages", new Object[0], new String[0]));
                assertEquals(0L, get(dlq, "MessageCount"));

                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer again = s.createConsumer(q);
                for (int expected : new int[] {1, 3}) {
                    Message m = again.receive(5000);
                    assertNotNull(m, "order " + expected + " did not come back");
                    assertEquals(expected, m.getIntProperty("n"));
                    assertEquals(q, m.getJMSDestination());
                    assertEquals(1, m.getIntProperty("JMSXDeliveryCount"), "a fresh delivery count");
                }
                assertNull(again.receive(300), "the removed message came back");
                MessageConsumer back = s.createDurableSubscriber(t, "trail");
                Message event = back.receive(5000);
                assertNotNull(event, "the event did not come back to its subscription");
                assertEquals(t, event.getJMSDestination());
                back.close();
                assertEquals(0, jmx.invoke(dlq, "retryMessages", new Object[0], new String[0]));

                // A dead letter whose subscription is gone stays where it is.
                MessageConsumer trail = tx.createDurableSubscriber(t, "trail");
                tx.createProducer(t).send(tx.createTextMessage("late event"));
                tx.commit();
                assertNotNull(trail.receive(5000));
                tx.rollback();
                trail.close();
                await("the late event dead-lettered", () -> Long.valueOf(1).equals(get(dlq, "MessageCount")));
                s.close();
                c.createSession(false, Session.AUTO_ACKNOWLEDGE).unsubscribe("trail");
                assertEquals(0, jmx.invoke(dlq, "retryMessages", new Object[0], new String[0]));
                assertEquals(1L, get(dlq, "MessageCount"));
            }
        }
    }
}
