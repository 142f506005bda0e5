package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers and consumers on two queues and a topic with two durable subscriptions, with random
 * transactions, rollbacks and acknowledge modes, and the broker killed with kill -9 in the middle.
 * At the end every confirmed message was received at least once by every place it was meant
 * for, no message came back after its receipt was acknowledged, and no rolled-back send ever
 * arrived. The seed is printed; set {@code -Dwharf.soak.seed} to replay one.
 */
@Timeout(300)
class SoakIT {

    private static final String[] QUEUES = {"soak.q1", "soak.q2"};
    private static final String TOPIC = "soak.t";
    private static final String[] SUBSCRIBERS = {"soak-sub-1", "soak-sub-2"};
    private static final long LOAD_BEFORE_CRASH_MS = 15_000;
    private static final long LOAD_AFTER_CRASH_MS = 10_000;

    @TempDir
    Path data;

    /** What the clients saw, per destination key (a queue name, or "topic/subscriber"). */
    private final Map<String, Set<String>> confirmed = new ConcurrentHashMap<>();
    private final Set<String> inDoubt = ConcurrentHashMap.newKeySet();
    private final Set<String> rolledBack = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, Integer>> received = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong redeliveries = new AtomicLong();
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final AtomicBoolean consuming = new AtomicBoolean(true);
    private volatile WharfConnectionFactory factory;

    private static List<String> targetsOf(String destination) {
        if (destination.equals(TOPIC)) {
            List<String> out = new ArrayList<>();
            for (String s : SUBSCRIBERS) {
                out.add(TOPIC + "/" + s);
            }
            return out;
        }
        return List.of(destination);
    }

    @Test
    void confirmedMessagesSurviveRandomTransactionsAndAKillNineExactlyAsPromised() throws Exception {
        long seed = Long.getLong("wharf.soak.seed", System.nanoTime());
        System.out.println("[soak] seed " + seed + " (replay with -Dwharf.soak.seed=" + seed + ")");
        int port = ChildBroker.freePort();
        ChildBroker broker = ChildBroker.start(data, port);
        factory = new WharfConnectionFactory(broker.url() + "?requestTimeout=10000&connectTimeout=2000");
        for (String sub : SUBSCRIBERS) {
            try (Connection c = factory.createConnection()) {
                c.setClientID(sub);
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createDurableSubscriber(s.createTopic(TOPIC), "s").close();
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(7);
        List<Future<?>> producers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long ps = seed + i;
            int n = i;
            producers.add(pool.submit(() -> produce("p" + n, new Random(ps))));
        }
        List<Future<?>> consumers = new ArrayList<>();
        for (int i = 0; i < QUEUES.length; i++) {
            long cs = seed + 100 + i;
            String q = QUEUES[i];
            consumers.add(pool.submit(() -> consume(q, null, new Random(cs))));
        }
        for (int i = 0; i < SUBSCRIBERS.length; i++) {
            long cs = seed + 200 + i;
            String sub = SUBSCRIBERS[i];
            consumers.add(pool.submit(() -> consume(TOPIC, sub, new Random(cs))));
        }

        Thread.sleep(LOAD_BEFORE_CRASH_MS);
        long sentBeforeCrash = sent.get();
        broker.kill();
        System.out.println("[soak] killed the broker after " + sentBeforeCrash + " sends");
        Thread.sleep(1000);
        broker = ChildBroker.start(data, port);
        Thread.sleep(LOAD_AFTER_CRASH_MS);
        producing.set(false);
        for (Future<?> f : producers) {
            f.get(60, TimeUnit.SECONDS);
        }
        Thread.sleep(3000);
        consuming.set(false);
        for (Future<?> f : consumers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        try {
            drainEverything();
        } finally {
            broker.close();
        }

        Map<String, String> report = new TreeMap<>();
        List<String> lost = new ArrayList<>();
        List<String> rolledBackButArrived = new ArrayList<>();
        for (String key : allKeys()) {
            Set<String> want = confirmed.getOrDefault(key, Set.of());
            Map<String, Integer> got = received.getOrDefault(key, Map.of());
            for (String id : want) {
                if (!got.containsKey(id)) {
                    lost.add(key + ":" + id);
                }
            }
            for (String id : got.keySet()) {
                if (rolledBack.contains(id)) {
                    rolledBackButArrived.add(key + ":" + id);
                }
            }
            report.put(key, "confirmed " + want.size() + ", received " + got.size() + " distinct");
        }
        System.out.println("[soak] sends " + sent.get() + ", in doubt " + inDoubt.size() + ", rolled back " + rolledBack.size()
                + ", redeliveries " + redeliveries.get() + ", crash rounds 1");
        report.forEach((k, v) -> System.out.println("[soak] " + k + ": " + v));
        assertTrue(lost.isEmpty(), lost.size() + " confirmed messages never arrived (seed " + seed + "): "
                + lost.subList(0, Math.min(20, lost.size())));
        assertTrue(violations.isEmpty(), violations.size() + " messages came back after they were acknowledged (seed "
                + seed + "): " + violations.subList(0, Math.min(20, violations.size())));
        assertTrue(rolledBackButArrived.isEmpty(), "rolled-back sends arrived (seed " + seed + "): "
                + rolledBackButArrived.subList(0, Math.min(20, rolledBackButArrived.size())));
        assertTrue(sentBeforeCrash > 0 && sent.get() > sentBeforeCrash, "the load did not run on both sides of the crash");
    }

    private List<String> allKeys() {
        List<String> keys = new ArrayList<>(List.of(QUEUES));
        keys.addAll(targetsOf(TOPIC));
        return keys;
    }

    // ------------------------------------------------------------------ producers

    private void produce(String name, Random random) {
        long batchNo = 0;
        while (producing.get()) {
            try (Connection c = factory.createConnection()) {
                boolean transacted = random.nextBoolean();
                Session s = c.createSession(transacted, Session.AUTO_ACKNOWLEDGE);
                while (producing.get()) {
                    String destination = random.nextInt(3) == 2 ? TOPIC : QUEUES[random.nextInt(QUEUES.length)];
                    Destination d = destination.equals(TOPIC) ? s.createTopic(TOPIC) : s.createQueue(destination);
                    MessageProducer p = s.createProducer(d);
                    int size = 1 + random.nextInt(5);
                    List<String> batch = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        String id = name + "-" + batchNo + "-" + i;
                        Message m = s.createTextMessage(id);
                        m.setStringProperty("soakId", id);
                        batch.add(id);
                        inDoubt.add(id);
                        p.send(m);
                        sent.incrementAndGet();
                        if (!transacted) {
                            confirm(destination, id);
                        }
                    }
                    if (transacted) {
                        if (random.nextInt(10) < 3) {
                            s.rollback();
                            batch.forEach(inDoubt::remove);
                            rolledBack.addAll(batch);
                        } else {
                            s.commit();
                            for (String id : batch) {
                                confirm(destination, id);
                            }
                        }
                    }
                    p.close();
                    batchNo++;
                }
            } catch (JMSException e) {
                // The broker is gone: whatever was not confirmed stays in doubt. Try again.
                batchNo++;
                pause(200);
            }
        }
    }

    private void confirm(String destination, String id) {
        inDoubt.remove(id);
        for (String key : targetsOf(destination)) {
            confirmed.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(id);
        }
    }

    // ------------------------------------------------------------------ consumers

    private void consume(String destination, String subscriber, Random random) {
        String key = subscriber == null ? destination : destination + "/" + subscriber;
        while (consuming.get()) {
            try (Connection c = factory.createConnection()) {
                if (subscriber != null) {
                    c.setClientID(subscriber);
                }
                c.start();
                // Not AUTO_ACKNOWLEDGE: there a receive that fails after the broker applied its
                // acknowledgement loses the message by definition, so "received" cannot be counted.
                int mode = random.nextBoolean() ? Session.CLIENT_ACKNOWLEDGE : Session.SESSION_TRANSACTED;
                Session s = c.createSession(mode == Session.SESSION_TRANSACTED, mode);
                MessageConsumer consumer = subscriber == null ? s.createConsumer(s.createQueue(destination))
                        : s.createDurableSubscriber(s.createTopic(TOPIC), "s");
                List<String> pending = new ArrayList<>();
                Message last = null;
                while (consuming.get()) {
                    Message m = consumer.receive(200);
                    if (m == null) {
                        settle(s, last, pending, key, random, true);
                        continue;
                    }
                    last = m;
                    String id = m.getStringProperty("soakId");
                    record(key, id);
                    pending.add(id);
                    if (pending.size() >= 1 + random.nextInt(8)) {
                        settle(s, last, pending, key, random, false);
                    }
                }
                settle(s, last, pending, key, random, true);
            } catch (JMSException e) {
                pause(200);
            }
        }
    }

    /** Acknowledges or commits what is pending (a transacted consumer rolls back now and then). */
    private void settle(Session s, Message last, List<String> pending, String key, Random random, boolean mustSettle)
            throws JMSException {
        if (pending.isEmpty()) {
            return;
        }
        if (s.getTransacted()) {
            if (!mustSettle && random.nextInt(10) < 2) {
                s.rollback();
            } else {
                s.commit();
                acknowledged(key, pending);
            }
        } else {
            last.acknowledge();
            acknowledged(key, pending);
        }
        pending.clear();
    }

    private void record(String key, String id) {
        Map<String, Integer> counts = received.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        if (counts.merge(id, 1, Integer::sum) > 1) {
            redeliveries.incrementAndGet();
        }
        if (acknowledged.getOrDefault(key, Set.of()).contains(id)) {
            violations.add(key + ":" + id);
        }
    }

    private void acknowledged(String key, List<String> ids) {
        acknowledged.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).addAll(ids);
    }

    /** Fresh consumers take whatever is left, acknowledging as they go. */
    private void drainEverything() throws JMSException {
        for (String q : QUEUES) {
            try (Connection c = factory.createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                drain(s.createConsumer(s.createQueue(q)), q);
            }
        }
        for (String sub : SUBSCRIBERS) {
            try (Connection c = factory.createConnection()) {
                c.setClientID(sub);
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                drain(s.createDurableSubscriber(s.createTopic(TOPIC), "s"), TOPIC + "/" + sub);
            }
        }
    }

    private void drain(MessageConsumer consumer, String key) throws JMSException {
        for (Message m; (m = consumer.receive(2000)) != null; ) {
            String id = m.getStringProperty("soakId");
            record(key, id);
            acknowledged(key, List.of(id));
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
