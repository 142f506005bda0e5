package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TransactionRolledBackException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients ride through a failover: a live and a backup broker JVM share one store directory;
 * the live one is killed with {@code destroyForcibly()} again and again while producers and
 * consumers run, and the clients, knowing both addresses, carry on by themselves.
 */
@Timeout(300)
class ClientFailoverIT {

    private static final int KILLS = Integer.getInteger("wharf.failover.kills", 5);

    @TempDir
    Path data;

    private static String failoverOptions() {
        return "reconnectAttempts=-1&reconnectInterval=50&reconnectBackoff=1.5&reconnectMaxInterval=500"
                + "&reconnectTimeout=60000&connectTimeout=2000";
    }

    @Test
    void clientsCarryOnThroughRepeatedKillsOfTheLiveBrokerLosingAndDoublingNothing() throws Exception {
        runPair("file journal", data, data);
    }

    /** The same with the store in an H2 database in server mode, the lease row as the lock. */
    @Test
    void clientsCarryOnThroughRepeatedKillsOfTheLiveBrokerOnASharedJdbcStore() throws Exception {
        org.h2.tools.Server h2 = org.h2.tools.Server.createTcpServer("-tcpPort", String.valueOf(ChildBroker.freePort()), "-baseDir", data.resolve("h2").toString(),
                "-ifNotExists").start();
        try {
            String config = "jdbc.url=jdbc:h2:tcp://localhost:" + h2.getPort() + "/wharf\n" + "jdbc.lease.ttl.ms=1000\n";
            Path configFile = data.resolve("jdbc-pair.properties");
            java.nio.file.Files.writeString(configFile, config);
            // Each broker has its own data directory (page files); the store is the database.
            java.nio.file.Files.createDirectories(data.resolve("a"));
            java.nio.file.Files.createDirectories(data.resolve("b"));
            runPair("JDBC lease", data.resolve("a"), data.resolve("b"), "--config", configFile.toString());
        } finally {
            h2.stop();
        }
    }

    private void runPair(String store, Path dataA, Path dataB, String... moreArgs) throws Exception {
        int[] ports = {ChildBroker.freePort(), ChildBroker.freePort()};
        Path[] dirs = {dataA, dataB};
        ChildBroker[] brokers = new ChildBroker[2];
        brokers[0] = ChildBroker.start(dataA, ports[0], "256m", moreArgs);
        brokers[1] = ChildBroker.startUntil("waiting as backup", dataB, ports[1], "256m", backupArgs(moreArgs));
        String pair = "wharf://localhost:" + ports[0] + ",localhost:" + ports[1] + "?" + failoverOptions();
        Workload w = new Workload(pair);
        List<Long> takeovers = new ArrayList<>();
        try {
            w.start();
            int live = 0;
            for (int kill = 1; kill <= KILLS; kill++) {
                w.awaitProgress(400, 30);
                int backup = 1 - live;
                long killedAt = System.nanoTime();
                brokers[live].kill();
                assertTrue(brokers[backup].awaitOutput("Wharf broker started", 60), "kill " + kill
                        + ": the backup did not take over:\n" + brokers[backup].output());
                takeovers.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
                brokers[live].close();
                // The killed broker comes back as the backup of the new live one.
                brokers[live] = ChildBroker.startUntil("waiting as backup", dirs[live], ports[live], "256m", backupArgs(moreArgs));
                live = backup;
            }
            w.awaitProgress(200, 30);
            w.stopProducers();
            w.drain(60);
        } finally {
            w.close();
            for (ChildBroker b : brokers) {
                if (b != null) {
                    b.close();
                }
            }
        }
        System.out.printf("[client-failover] %s: kills %d, takeover ms %s; queue: confirmed %d, received %d (redelivered %d),"
                        + " sends of unknown outcome %d; topic: confirmed %d, received %d; commits rolled back %d, outcome unknown %d,"
                        + " acknowledgements lost %d; came again to another connection without JMSRedelivered %d%n", store,
                KILLS, takeovers, w.confirmedQueue.size(), w.receivedQueue.size(), w.redeliveredQueue.get(),
                w.unconfirmed.get(), w.confirmedTopic.size(), w.receivedTopic.size(), w.rolledBack.get(),
                w.outcomeUnknown.get(), w.acksLost.get(), w.cameToAnotherConnectionUnflagged.get());
        assertEquals(List.of(), w.problems, "problems seen by the workload");
        Set<String> missing = ConcurrentHashMap.newKeySet();
        for (String p : w.confirmedQueue) {
            if (!w.receivedQueue.containsKey(p)) {
                missing.add(p);
            }
        }
        assertEquals(Set.of(), missing, "confirmed queue messages never received");
        Set<String> missingTopic = ConcurrentHashMap.newKeySet();
        for (String p : w.confirmedTopic) {
            if (!w.receivedTopic.containsKey(p)) {
                missingTopic.add(p);
            }
        }
        assertEquals(Set.of(), missingTopic, "confirmed topic messages never received by the durable subscriber");
        assertTrue(w.confirmedQueue.size() > 1000, "the workload hardly ran: " + w.confirmedQueue.size());
    }

    private static String[] backupArgs(String... moreArgs) {
        List<String> args = new ArrayList<>(List.of(moreArgs));
        args.add("--role");
        args.add("backup");
        return args.toArray(new String[0]);
    }

    /**
     * Producers (sync, transacted) and consumers (CLIENT_ACKNOWLEDGE, transacted, durable
     * subscriber) on one failover connection, and an AUTO_ACKNOWLEDGE consumer that does not wait
     * for its acknowledgements on another, recording what a user would check.
     */
    private static final class Workload implements AutoCloseable {
        final String url;
        final Set<String> confirmedQueue = ConcurrentHashMap.newKeySet();
        final Set<String> confirmedTopic = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> receivedQueue = new ConcurrentHashMap<>();
        final Map<String, Integer> receivedTopic = new ConcurrentHashMap<>();
        /** Queue messages whose acknowledgement or commit succeeded. */
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final List<String> problems = new CopyOnWriteArrayList<>();
        final AtomicInteger unconfirmed = new AtomicInteger();
        final AtomicInteger rolledBack = new AtomicInteger();
        final AtomicInteger outcomeUnknown = new AtomicInteger();
        final AtomicInteger acksLost = new AtomicInteger();
        final AtomicInteger redeliveredQueue = new AtomicInteger();
        final AtomicInteger cameToAnotherConnectionUnflagged = new AtomicInteger();
        final Map<String, Set<String>> receivedOn = new ConcurrentHashMap<>();
        final AtomicBoolean producing = new AtomicBoolean(true);
        final AtomicBoolean consuming = new AtomicBoolean(true);
        final AtomicReference<Throwable> listenerFailure = new AtomicReference<>();
        final List<Thread> producers = new ArrayList<>();
        final List<Thread> consumers = new ArrayList<>();
        Connection producerConnection;
        Connection consumerConnection;
        /** blockOnAcknowledge=false: most of its ACKs ask for no answer, so a failover finds some unanswered. */
        Connection backgroundAckConnection;

        Workload(String url) {
            this.url = url;
        }

        void start() throws JMSException {
            producerConnection = new WharfConnectionFactory(url).createConnection();
            producerConnection.setExceptionListener(listenerFailure::set);
            consumerConnection = new WharfConnectionFactory(url + "&clientID=failover-consumers").createConnection();
            consumerConnection.setExceptionListener(listenerFailure::set);
            Session setup = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = setup.createTopic("fo.topic");
            setup.createDurableConsumer(topic, "fo-sub").close();
            setup.close();
            consumerConnection.start();
            backgroundAckConnection = new WharfConnectionFactory(url + "&blockOnAcknowledge=false").createConnection();
            backgroundAckConnection.setExceptionListener(listenerFailure::set);
            backgroundAckConnection.start();

            producers.add(thread("sync-producer", () -> {
                Session s = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createQueue("fo.queue"));
                for (int i = 0; producing.get(); i++) {
                    String body = "sync-" + i;
                    try {
                        p.send(s.createTextMessage(body));
                        confirmedQueue.add(body);
                    } catch (JMSException e) {
                        // A failover is the client's business: a send outside a transaction is resent.
                        problems.add("send of " + body + " failed: " + e);
                    }
                }
            }));
            producers.add(thread("tx-producer", () -> {
                Session s = producerConnection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer p = s.createProducer(s.createQueue("fo.queue"));
                for (int b = 0; producing.get(); b++) {
                    List<String> batch = new ArrayList<>();
                    try {
                        for (int i = 0; i < 10; i++) {
                            String body = "tx-" + b + "-" + i;
                            p.send(s.createTextMessage(body));
                            batch.add(body);
                        }
                        s.commit();
                        confirmedQueue.addAll(batch);
                    } catch (TransactionRolledBackException e) {
                        rolledBack.incrementAndGet();
                    } catch (JMSException e) {
                        outcomeUnknown.incrementAndGet();
                        unconfirmed.addAndGet(batch.size());
                    }
                }
            }));
            producers.add(thread("topic-producer", () -> {
                Session s = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createTopic("fo.topic"));
                for (int i = 0; producing.get(); i++) {
                    String body = "topic-" + i;
                    try {
                        p.send(s.createTextMessage(body));
                        confirmedTopic.add(body);
                    } catch (JMSException e) {
                        problems.add("send of " + body + " failed: " + e);
                    }
                }
            }));

            consumers.add(thread("client-ack-consumer", () -> {
                Session s = consumerConnection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                MessageConsumer c = s.createConsumer(s.createQueue("fo.queue"));
                List<String> unacked = new ArrayList<>();
                Message last = null;
                while (consuming.get()) {
                    Message m = c.receive(100);
                    if (m != null) {
                        queueReceived(m, "consumers");
                        unacked.add(((TextMessage) m).getText());
                        last = m;
                    }
                    if (unacked.size() >= 7 || m == null && !unacked.isEmpty()) {
                        try {
                            last.acknowledge();
                            acknowledged.addAll(unacked);
                        } catch (JMSException e) {
                            acksLost.incrementAndGet();
                        }
                        unacked.clear();
                    }
                }
            }));
            consumers.add(thread("tx-consumer", () -> {
                Session s = consumerConnection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer c = s.createConsumer(s.createQueue("fo.queue"));
                List<String> batch = new ArrayList<>();
                while (consuming.get()) {
                    Message m = c.receive(100);
                    if (m != null) {
                        queueReceived(m, "consumers");
                        batch.add(((TextMessage) m).getText());
                    }
                    if (batch.size() >= 5 || m == null && !batch.isEmpty()) {
                        try {
                            s.commit();
                            acknowledged.addAll(batch);
                        } catch (TransactionRolledBackException e) {
                            rolledBack.incrementAndGet();
                        } catch (JMSException e) {
                            outcomeUnknown.incrementAndGet();
                        }
                        batch.clear();
                    }
                }
            }));
            consumers.add(thread("auto-ack-background-consumer", () -> {
                Session s = backgroundAckConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer c = s.createConsumer(s.createQueue("fo.queue"));
                while (consuming.get()) {
                    Message m = c.receive(100);
                    if (m != null) {
                        // Its acknowledgement is not confirmed: a failover may bring it back, redelivered.
                        queueReceived(m, "background-ack");
                    }
                }
            }));
            consumers.add(thread("durable-subscriber", () -> {
                Session s = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer c = s.createDurableConsumer(s.createTopic("fo.topic"), "fo-sub");
                while (consuming.get()) {
                    Message m = c.receive(100);
                    if (m != null) {
                        String body = ((TextMessage) m).getText();
                        Integer before = receivedTopic.merge(body, 1, Integer::sum) - 1;
                        if (before > 0 && !m.getJMSRedelivered()) {
                            problems.add("topic message " + body + " came again without JMSRedelivered");
                        }
                    }
                }
            }));
        }

        /** {@code connection}: which connection's consumer received it. */
        private void queueReceived(Message m, String connection) throws JMSException {
            String body = ((TextMessage) m).getText();
            if (acknowledged.contains(body)) {
                problems.add("queue message " + body + " came again after it was acknowledged");
            }
            receivedQueue.merge(body, 1, Integer::sum);
            boolean seenHereBefore = !receivedOn.computeIfAbsent(body, k -> ConcurrentHashMap.newKeySet()).add(connection);
            if (m.getJMSRedelivered()) {
                redeliveredQueue.incrementAndGet();
            } else if (seenHereBefore) {
                problems.add("queue message " + body + " came again to the " + connection + " connection without JMSRedelivered");
            } else if (receivedOn.get(body).size() > 1) {
                // A connection remembers what it saw before a failover; another connection cannot
                // know, and the broker does not store a delivery before making it. Counted, not failed.
                cameToAnotherConnectionUnflagged.incrementAndGet();
            }
        }

        interface Work {
            void run() throws Exception;
        }

        private Thread thread(String name, Work work) {
            Thread t = new Thread(() -> {
                try {
                    work.run();
                } catch (Throwable e) {
                    problems.add(name + " died: " + e);
                }
            }, name);
            t.start();
            return t;
        }

        /** Waits until at least {@code n} more queue messages are confirmed. */
        void awaitProgress(int n, int seconds) throws InterruptedException {
            int target = confirmedQueue.size() + n;
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            while (confirmedQueue.size() < target) {
                if (System.currentTimeMillis() >= deadline) {
                    // What the client's threads were doing is what the next person needs to see.
                    System.out.println("[client-failover] no progress for " + seconds + " s; the threads:\n" + threadDump());
                    fail("the workload made no progress after the failover");
                }
                assertNull(listenerFailure.get(), "the ExceptionListener heard of a failover the client rode through");
                Thread.sleep(20);
            }
        }

        private static String threadDump() {
            StringBuilder dump = new StringBuilder();
            for (java.lang.management.ThreadInfo t
                    : java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                dump.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
                if (t.getLockName() != null) {
                    dump.append(" on ").append(t.getLockName()).append(" held by ").append(t.getLockOwnerName());
                }
                dump.append('\n');
                for (StackTraceElement e : t.getStackTrace()) {
                    dump.append("    at ").append(e).append('\n');
                }
                for (java.lang.management.MonitorInfo m : t.getLockedMonitors()) {
                    dump.append("    holds ").append(m).append(" (taken at ").append(m.getLockedStackFrame()).append(")\n");
                }
                for (java.lang.management.LockInfo l : t.getLockedSynchronizers()) {
                    dump.append("    holds ").append(l).append('\n');
                }
            }
            return dump.toString();
        }

        void stopProducers() throws InterruptedException {
            producing.set(false);
            for (Thread t : producers) {
                t.join(60_000);
            }
        }

        /** Lets the consumers run until every confirmed message came, at most {@code seconds}. */
        void drain(int seconds) throws InterruptedException {
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            while (System.currentTimeMillis() < deadline && !(receivedQueue.keySet().containsAll(confirmedQueue)
                    && receivedTopic.keySet().containsAll(confirmedTopic))) {
                Thread.sleep(100);
            }
            Thread.sleep(500); // anything arriving twice now shows up
            consuming.set(false);
            for (Thread t : consumers) {
                t.join(30_000);
            }
            assertNull(listenerFailure.get(), "the ExceptionListener heard of a failover the client rode through");
        }

        @Override
        public void close() throws Exception {
            producing.set(false);
            consuming.set(false);
            for (Thread t : producers) {
                t.join(10_000);
            }
            for (Thread t : consumers) {
                t.join(10_000);
            }
            for (Connection c : new Connection[] {producerConnection, consumerConnection, backgroundAckConnection}) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (JMSException e) {
                        // the brokers may be gone
                    }
                }
            }
        }
    }

    @Test
    void reconnectsToARestartedBrokerWithoutTellingTheExceptionListener() throws Exception {
        int port = ChildBroker.freePort();
        AtomicReference<JMSException> heard = new AtomicReference<>();
        ChildBroker broker = ChildBroker.start(data, port);
        try (Connection c = new WharfConnectionFactory(broker.url() + "?" + failoverOptions()).createConnection()) {
            c.setExceptionListener(heard::set);
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("restart.q"));
            MessageConsumer consumer = s.createConsumer(s.createQueue("restart.q"));
            p.send(s.createTextMessage("before"));
            assertEquals("before", ((TextMessage) consumer.receive(5000)).getText());

            broker.kill();
            broker.close();
            broker = ChildBroker.start(data, port);

            // The same session, producer and consumer go on against the restarted broker.
            p.send(s.createTextMessage("after"));
            TextMessage m = (TextMessage) consumer.receive(10_000);
            assertNotNull(m, "the consumer was not re-created after the reconnect");
            assertEquals("after", m.getText());
            assertNull(consumer.receive(300), "a message came twice");
            assertNull(heard.get(), "the ExceptionListener heard of a reconnect that succeeded");
        } finally {
            broker.close();
        }
    }

    @Test
    void exceptionListenerHearsWhenReconnectingFinallyFails() throws Exception {
        int port = ChildBroker.freePort();
        CountDownLatch heard = new CountDownLatch(1);
        AtomicReference<JMSException> cause = new AtomicReference<>();
        try (ChildBroker broker = ChildBroker.start(data, port)) {
            Connection c = new WharfConnectionFactory(broker.url()
                    + "?reconnectAttempts=3&reconnectInterval=50&reconnectTimeout=5000&connectTimeout=500").createConnection();
            c.setExceptionListener(e -> {
                cause.set(e);
                heard.countDown();
            });
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("gone.q"));
            broker.kill();
            assertTrue(heard.await(20, TimeUnit.SECONDS), "the ExceptionListener never heard that reconnecting failed");
            assertTrue(cause.get().getMessage().contains("could not reconnect"), cause.get().getMessage());
            JMSException e = org.junit.jupiter.api.Assertions.assertThrows(JMSException.class,
                    () -> p.send(s.createTextMessage("x")));
            assertTrue(e.getMessage().contains("lost") || e.getMessage().contains("closed"), e.getMessage());
            c.close();
        }
    }

    @Test
    void transactionOpenAtTheFailoverFailsItsCommitAndItsMessagesComeBackRedelivered() throws Exception {
        int port = ChildBroker.freePort();
        ChildBroker broker = ChildBroker.start(data, port);
        try (Connection c = new WharfConnectionFactory(broker.url() + "?" + failoverOptions()).createConnection()) {
            c.start();
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = plain.createProducer(plain.createQueue("tx.q"));
            p.send(plain.createTextMessage("m1"));
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = tx.createConsumer(tx.createQueue("tx.q"));
            MessageProducer txProducer = tx.createProducer(tx.createQueue("tx.out"));
            Message first = consumer.receive(5000);
            assertEquals("m1", ((TextMessage) first).getText());
            assertTrue(!first.getJMSRedelivered());
            txProducer.send(tx.createTextMessage("sent in the doomed transaction"));

            broker.kill();
            broker.close();
            broker = ChildBroker.start(data, port);

            org.junit.jupiter.api.Assertions.assertThrows(TransactionRolledBackException.class, tx::commit);
            Message again = consumer.receive(10_000);
            assertNotNull(again, "the message consumed in the lost transaction did not come back");
            assertEquals("m1", ((TextMessage) again).getText());
            assertTrue(again.getJMSRedelivered(), "a message the application saw before the failover must be marked redelivered");
            tx.commit();
            MessageConsumer out = plain.createConsumer(plain.createQueue("tx.out"));
            assertNull(out.receive(500), "a send of the rolled-back transaction arrived");
        } finally {
            broker.close();
        }
    }

    @Test
    void failbackHandsTheStoreBackToTheOriginalLiveBrokerAndClientsFollow() throws Exception {
        Path config = data.resolve("failback.properties");
        java.nio.file.Files.writeString(config, "ha.failback = true\n");
        failback(data, data, config);
    }

    @Test
    void failbackWorksOnASharedJdbcStoreToo() throws Exception {
        org.h2.tools.Server h2 = org.h2.tools.Server.createTcpServer("-tcpPort", String.valueOf(ChildBroker.freePort()),
                "-baseDir", data.resolve("h2").toString(), "-ifNotExists").start();
        try {
            Path config = data.resolve("failback-jdbc.properties");
            java.nio.file.Files.writeString(config, "ha.failback = true\njdbc.url=jdbc:h2:tcp://localhost:" + h2.getPort()
                    + "/wharf\njdbc.lease.ttl.ms=1000\n");
            java.nio.file.Files.createDirectories(data.resolve("a"));
            java.nio.file.Files.createDirectories(data.resolve("b"));
            failback(data.resolve("a"), data.resolve("b"), config);
        } finally {
            h2.stop();
        }
    }

    private void failback(Path liveData, Path backupData, Path config) throws Exception {
        int livePort = ChildBroker.freePort();
        int backupPort = ChildBroker.freePort();
        AtomicReference<JMSException> heard = new AtomicReference<>();
        ChildBroker live = ChildBroker.start(liveData, livePort, "256m", "--config", config.toString());
        ChildBroker backup = ChildBroker.startUntil("waiting as backup", backupData, backupPort, "256m", "--config",
                config.toString(), "--role", "backup");
        ChildBroker original = null;
        String pair = "wharf://localhost:" + livePort + ",localhost:" + backupPort + "?" + failoverOptions();
        try (Connection c = new WharfConnectionFactory(pair).createConnection()) {
            c.setExceptionListener(heard::set);
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("fb.q"));
            MessageConsumer consumer = s.createConsumer(s.createQueue("fb.q"));
            p.send(s.createTextMessage("on the live broker"));
            assertEquals("on the live broker", ((TextMessage) consumer.receive(5000)).getText());

            live.kill();
            assertTrue(backup.awaitOutput("Wharf broker started", 30), backup.output());
            p.send(s.createTextMessage("on the backup"));
            assertEquals("on the backup", ((TextMessage) consumer.receive(10_000)).getText());
            p.send(s.createTextMessage("left on the backup"));

            // The original live broker comes back, asks for its store, and the backup hands it over.
            live.close();
            original = ChildBroker.start(liveData, livePort, "256m", "--config", config.toString());
            assertTrue(backup.awaitOutput("waiting as backup again", 30), "the backup did not hand over:\n" + backup.output());
            assertTrue(backup.isAlive(), "after handing over, the backup waits again");

            TextMessage left = (TextMessage) consumer.receive(10_000);
            assertNotNull(left, "the message left on the backup was lost in the failback");
            assertEquals("left on the backup", left.getText());
            p.send(s.createTextMessage("back on the original"));
            assertEquals("back on the original", ((TextMessage) consumer.receive(10_000)).getText());
            assertNull(consumer.receive(300), "a message came twice");
            assertNull(heard.get(), "the ExceptionListener heard of a failback the client rode through");
        } finally {
            backup.close();
            live.close();
            if (original != null) {
                original.close();
            }
        }
    }
}
