package dev.wharf.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.jms.WharfXAConnectionFactory;
import dev.wharf.server.AddressSettings;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MDB delivery through the adapter against an in-process broker, with {@link FakeEndpointFactory} as the container. */
@Timeout(60)
class InboundTest {

    @TempDir
    Path dataDir;
    private EmbeddedBroker broker;
    private int port;
    private WharfResourceAdapter ra;
    private Connection plain;
    private final List<WharfActivationSpec> active = new CopyOnWriteArrayList<>();
    private final List<FakeEndpointFactory> factories = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        broker = newBroker(0);
        broker.start();
        port = broker.port();
        ra = new WharfResourceAdapter();
        ra.setUrl(broker.url());
        ra.start(null);
        plain = new WharfConnectionFactory(broker.url()).createConnection();
        plain.start();
    }

    private EmbeddedBroker newBroker(int p) {
        return EmbeddedBroker.builder().dataDirectory(dataDir).host("localhost").port(p)
                .addressSettings("poison.#", AddressSettings.UNSET.withMaxDeliveryAttempts(3)).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = 0; i < active.size(); i++) {
            ra.endpointDeactivation(factories.get(i), active.get(i));
        }
        ra.stop();
        try {
            plain.close();
        } catch (Exception e) {
            // the broker may have been restarted
        }
        broker.close();
    }

    private FakeEndpointFactory activate(WharfActivationSpec spec, boolean transacted, MessageListener bean) throws Exception {
        FakeEndpointFactory f = new FakeEndpointFactory(transacted, bean);
        spec.setResourceAdapter(ra);
        ra.endpointActivation(f, spec);
        active.add(spec);
        factories.add(f);
        return f;
    }

    private static WharfActivationSpec queue(String name, int maxSession) {
        WharfActivationSpec s = new WharfActivationSpec();
        s.setDestination(name);
        s.setDestinationType("jakarta.jms.Queue");
        s.setMaxSession(maxSession);
        s.setReconnectInterval(200L);
        return s;
    }

    private void send(String queue, String... texts) throws Exception {
        Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(queue));
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
        s.close();
    }

    private Message receive(String queue, long millis) throws Exception {
        Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try (MessageConsumer c = s.createConsumer(s.createQueue(queue))) {
            return c.receive(millis);
        } finally {
            s.close();
        }
    }

    private static String text(Message m) {
        try {
            return ((TextMessage) m).getText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void transactedDeliveryWithSeveralSessionsDeliversEachMessageOnceConcurrently() throws Exception {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(40);
        FakeEndpointFactory f = activate(queue("orders", 4), true, m -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            seen.merge(text(m), 1, Integer::sum);
            all.countDown();
        });
        String[] texts = new String[40];
        Arrays.setAll(texts, i -> "order " + i);
        send("orders", texts);
        assertTrue(all.await(20, TimeUnit.SECONDS), "delivered: " + seen.size());
        assertEquals(40, seen.size());
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "each once: " + seen);
        assertTrue(maxRunning.get() > 1, "concurrent sessions, at most " + maxRunning.get() + " at once");
        assertEquals(4, f.endpoints.size(), "one endpoint per session");
        awaitCommitted(f, 40);
        ra.stop();
        active.clear();
        assertNull(receive("orders", 300), "the acknowledgements were committed");
        assertTrue(f.endpoints.stream().allMatch(e -> e.released), "endpoints released at stop");
    }

    @Test
    void deactivationWaitsForTheDeliveryRunningAndItsCommit() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        FakeEndpointFactory f = activate(queue("slow", 1), true, m -> {
            inside.countDown();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        send("slow", "long job");
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        ra.endpointDeactivation(f, active.remove(0));
        factories.remove(f);
        assertEquals(1, f.committed.get(), "the running delivery committed before deactivation returned");
        assertTrue(f.endpoints.get(0).released);
        assertNull(receive("slow", 300), "and is not delivered again");
    }

    @Test
    void rolledBackTransactionRedeliversTheMessage() throws Exception {
        List<Boolean> redelivered = new CopyOnWriteArrayList<>();
        CountDownLatch second = new CountDownLatch(2);
        activate(queue("payments", 1), true, m -> {
            try {
                redelivered.add(m.getJMSRedelivered());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            second.countDown();
            if (redelivered.size() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        });
        send("payments", "pay");
        assertTrue(second.await(20, TimeUnit.SECONDS));
        assertEquals(List.of(false, true), redelivered);
        Thread.sleep(200);
        assertEquals(2, redelivered.size(), "no third delivery after the commit");
    }

    @Test
    void messageRolledBackPastMaxDeliveryAttemptsGoesToTheDeadLetterQueue() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        activate(queue("poison.orders", 1), true, m -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("cannot process");
        });
        send("poison.orders", "bad");
        Message dead = receive("DLQ", 20_000);
        assertNotNull(dead, "dead-lettered after " + attempts.get() + " attempts");
        assertEquals("bad", text(dead));
        assertEquals(3, attempts.get());
    }

    @Test
    void nonTransactedListenerThatThrowsGetsTheMessageAgain() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        CountDownLatch twice = new CountDownLatch(2);
        activate(queue("mail", 1), false, m -> {
            got.add(text(m));
            twice.countDown();
            if (got.size() == 1) {
                throw new IllegalStateException("smtp down");
            }
        });
        send("mail", "hi");
        assertTrue(twice.await(20, TimeUnit.SECONDS));
        assertEquals(List.of("hi", "hi"), got);
    }

    @Test
    void sharedDurableSubscriptionKeepsMessagesWhileTheMdbIsDown() throws Exception {
        WharfActivationSpec spec = new WharfActivationSpec();
        spec.setDestination("prices");
        spec.setDestinationType("jakarta.jms.Topic");
        spec.setSubscriptionDurability("Durable");
        spec.setSubscriptionName("audit");
        spec.setShareSubscriptions(true);
        spec.setMaxSession(3);
        Set<String> got = ConcurrentHashMap.newKeySet();
        AtomicInteger count = new AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        FakeEndpointFactory f = activate(spec, true, m -> {
            got.add(text(m));
            count.incrementAndGet();
            first.countDown();
        });
        Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createTopic("prices"));
        waitForEndpoints(f, 3);
        Thread.sleep(300);
        p.send(s.createTextMessage("p1"));
        assertTrue(first.await(10, TimeUnit.SECONDS));
        awaitCommitted(f, 1);
        ra.endpointDeactivation(f, spec);
        active.clear();
        factories.clear();
        p.send(s.createTextMessage("p2"));
        CountDownLatch again = new CountDownLatch(1);
        activate(spec, true, m -> {
            got.add(text(m));
            count.incrementAndGet();
            again.countDown();
        });
        assertTrue(again.await(10, TimeUnit.SECONDS), "p2 kept by the durable subscription");
        assertEquals(Set.of("p1", "p2"), got);
        assertEquals(2, count.get(), "one copy per message for the shared subscription");
    }

    private static void awaitCommitted(FakeEndpointFactory f, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (f.committed.get() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, f.committed.get(), "committed deliveries");
    }

    private static void waitForEndpoints(FakeEndpointFactory f, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (f.endpoints.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void activationReconnectsWhenTheBrokerComesBack() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        CountDownLatch before = new CountDownLatch(1);
        CountDownLatch after = new CountDownLatch(1);
        FakeEndpointFactory f = activate(queue("jobs", 2), true, m -> {
            got.add(text(m));
            (got.size() == 1 ? before : after).countDown();
        });
        send("jobs", "before");
        assertTrue(before.await(10, TimeUnit.SECONDS));
        // Until its commit, "before" would rightly come again after the restart.
        awaitCommitted(f, 1);
        plain.close();
        broker.close();
        Thread.sleep(500);
        broker = newBroker(port);
        broker.start();
        plain = new WharfConnectionFactory(broker.url()).createConnection();
        plain.start();
        send("jobs", "after");
        assertTrue(after.await(20, TimeUnit.SECONDS), "delivered after the restart: " + got);
        assertEquals(List.of("before", "after"), got);
        assertTrue(f.endpoints.size() >= 4, "new sessions, new endpoints: " + f.endpoints.size());
    }

    @Test
    void activationStartedBeforeTheBrokerConnectsOnceItIsUp() throws Exception {
        plain.close();
        broker.close();
        CountDownLatch got = new CountDownLatch(1);
        activate(queue("early", 1), true, m -> got.countDown());
        Thread.sleep(600);
        broker = newBroker(port);
        broker.start();
        plain = new WharfConnectionFactory(broker.url()).createConnection();
        plain.start();
        send("early", "x");
        assertTrue(got.await(20, TimeUnit.SECONDS));
    }

    @Test
    void recoveryResourceListsBranchesPreparedByAnyoneAndCommitsThem() throws Exception {
        XAConnection xc = new WharfXAConnectionFactory(broker.url()).createXAConnection();
        XASession xs = xc.createXASession();
        TestXid xid = TestXid.next();
        xs.getXAResource().start(xid, XAResource.TMNOFLAGS);
        xs.createProducer(xs.createQueue("recovered")).send(xs.createTextMessage("in doubt"));
        xs.getXAResource().end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xs.getXAResource().prepare(xid));
        xc.close();

        XAResource[] resources = ra.getXAResources(new WharfActivationSpec[] {queue("any", 1), queue("other", 2)});
        assertEquals(1, resources.length, "one per broker");
        Xid[] inDoubt = resources[0].recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        assertTrue(Arrays.stream(inDoubt).anyMatch(x -> Arrays.equals(x.getGlobalTransactionId(), xid.gtrid())),
                "in doubt: " + inDoubt.length);
        resources[0].commit(xid, false);
        assertEquals("in doubt", text(receive("recovered", 5000)));
        assertFalse(Arrays.stream(resources[0].recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                .anyMatch(x -> Arrays.equals(x.getGlobalTransactionId(), xid.gtrid())));
    }
}
