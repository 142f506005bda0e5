package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog far bigger than the address's memory limit, and bigger than the broker's whole heap,
 * is paged to disk and drained with every message once and in order.
 */
@Timeout(300)
class PagingIT {

    private static final int LIMIT = 4 << 20;
    private static final int BODY = 10 * 1024;
    private static final int MESSAGES = 16_000;
    private static final String HEAP = "64m";

    @TempDir
    Path dir;

    /** A config file paging the addresses {@code prefix.#} past {@link #LIMIT}. */
    private Path pageConfig(String file, String prefix) throws Exception {
        Path config = dir.resolve(file);
        Files.write(config, List.of("address." + prefix + ".#.max-size-bytes = " + LIMIT,
                "address." + prefix + ".#.address-full-policy = PAGE"));
        return config;
    }

    private static long pageBytes(Path paging) throws Exception {
        if (!Files.isDirectory(paging)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(paging)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static long pageFiles(Path paging) throws Exception {
        try (Stream<Path> files = Files.list(paging)) {
            return files.count();
        }
    }

    @Test
    void backlogOfFortyTimesTheLimitAndTwiceTheHeapIsPagedAndDrainedOnceInOrder() throws Exception {
        Path config = pageConfig("wharf.properties", "backlog");
        Path data = dir.resolve("data");
        int port = ChildBroker.freePort();
        try (ChildBroker broker = ChildBroker.start(data, port, HEAP, "--config", config.toString());
             Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue q = tx.createQueue("backlog.orders");
            MessageProducer p = tx.createProducer(q);
            byte[] body = new byte[BODY];
            for (int i = 0; i < MESSAGES; i++) {
                BytesMessage m = tx.createBytesMessage();
                body[0] = (byte) i;
                m.writeBytes(body);
                m.setIntProperty("seq", i);
                p.send(m);
                if (i % 100 == 99) {
                    tx.commit();
                }
            }
            tx.commit();
            long paged = pageBytes(data.resolve("paging"));
            assertTrue(paged > (long) MESSAGES * BODY * 9 / 10, "only " + paged + " bytes were paged of a "
                    + (long) MESSAGES * BODY + "-byte backlog");

            c.start();
            MessageConsumer consumer = tx.createConsumer(q);
            byte[] read = new byte[BODY];
            for (int i = 0; i < MESSAGES; i++) {
                BytesMessage m = (BytesMessage) consumer.receive(10_000);
                assertNotNull(m, "message " + i + " of the backlog did not arrive");
                assertEquals(i, m.getIntProperty("seq"), "order");
                assertEquals(BODY, m.readBytes(read), "body of message " + i);
                assertEquals((byte) i, read[0], "body of message " + i);
                if (i % 100 == 99) {
                    tx.commit();
                }
            }
            tx.commit();
            assertNull(consumer.receive(500), "a message came twice");
            assertTrue(broker.output().contains("Wharf broker started") && !broker.output().contains("OutOfMemoryError"),
                    "the broker ran out of memory:\n" + broker.output());
            assertTrue(pageFiles(data.resolve("paging")) <= 1, "drained page files are deleted");
        }
    }

    /**
     * One transaction bigger than the broker's heap: its sends are paged as they are staged, and
     * the commit journals them whole (their bodies read back from the page files).
     */
    @Test
    void transactionBiggerThanTheHeapIsPagedAsItIsSentAndCommitsWhole() throws Exception {
        Path config = pageConfig("tx.properties", "bulk");
        Path data = dir.resolve("tx-data");
        int messages = 8_000;
        try (ChildBroker broker = ChildBroker.start(data, ChildBroker.freePort(), HEAP, "--config", config.toString());
             Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = tx.createProducer(tx.createQueue("bulk.orders"));
            for (int i = 0; i < messages; i++) {
                p.send(bulkMessage(tx, i));
            }
            tx.commit();
            assertTrue(pageBytes(data.resolve("paging")) > (long) messages * BODY / 2,
                    "the transaction was not paged: " + pageBytes(data.resolve("paging")) + " bytes in page files");
            assertTrue(!broker.output().contains("OutOfMemoryError"), "the broker ran out of memory:\n" + broker.output());
            broker.kill();
        }
        // What the commit confirmed is in the journal, bodies included, and a broker with the
        // same heap recovers it (paging what does not fit).
        try (ChildBroker broker = ChildBroker.start(data, ChildBroker.freePort(), HEAP, "--config", config.toString());
             Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
            receiveBulkInOrder(c, "bulk.orders", messages);
            assertTrue(broker.output().contains("paged)") && !broker.output().contains("0 paged)"),
                    "recovery paged nothing:\n" + broker.output());
        }
    }

    /** A backlog of two and a half heaps, paged while the broker ran, is recovered in the same heap after a kill. */
    @Test
    void backlogBiggerThanTheHeapIsRecoveredInTheSameHeapAfterAKill() throws Exception {
        backlogIsRecoveredInTheSameHeapAfterAKill(pageConfig("kill.properties", "backlog"), HEAP, MESSAGES, 0);
    }

    /**
     * The same on the JDBC store, H2 embedded in the broker and sharing its heap: a backlog of
     * nearly a heap, which recovery used to hold twice over.
     */
    @Test
    void backlogBiggerThanTheHeapIsRecoveredFromTheJdbcStoreInTheSameHeapAfterAKill() throws Exception {
        Path config = pageConfig("jdbc.properties", "backlog");
        // The killed broker's lease must run out before the next one may take the store.
        Files.write(config, List.of("jdbc.url = jdbc:h2:file:" + dir.resolve("jdbc-db") + ";CACHE_SIZE=8192", "jdbc.lease.ttl.ms = 1000"),
                java.nio.file.StandardOpenOption.APPEND);
        backlogIsRecoveredInTheSameHeapAfterAKill(config, "128m", 12_000, 1500);
    }

    private void backlogIsRecoveredInTheSameHeapAfterAKill(Path config, String heap, int messages, long pauseMillis)
            throws Exception {
        Path data = dir.resolve("kill-data");
        try (ChildBroker broker = ChildBroker.start(data, ChildBroker.freePort(), heap, "--config", config.toString());
             Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("backlog.kept"));
            for (int i = 0; i < messages; i++) {
                p.send(bulkMessage(s, i));
            }
            broker.kill();
        }
        Thread.sleep(pauseMillis);
        try (ChildBroker broker = ChildBroker.start(data, ChildBroker.freePort(), heap, "--config", config.toString());
             Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
            receiveBulkInOrder(c, "backlog.kept", messages);
            assertTrue(!broker.output().contains("OutOfMemoryError"), "the broker ran out of memory:\n" + broker.output());
        }
    }

    /** Receives {@link #bulkMessage}s 0 to {@code count - 1} from {@code queue}, in order and whole, and nothing more. */
    private static void receiveBulkInOrder(Connection c, String queue, int count) throws Exception {
        c.start();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
        byte[] read = new byte[BODY];
        for (int i = 0; i < count; i++) {
            BytesMessage m = (BytesMessage) consumer.receive(10_000);
            assertNotNull(m, "message " + i + " of " + queue + " did not arrive");
            assertEquals(i, m.getIntProperty("seq"), "order");
            assertEquals(BODY, m.readBytes(read), "body of message " + i);
            assertEquals((byte) i, read[0], "body of message " + i);
            assertEquals((byte) (i >> 8), read[BODY - 1], "body of message " + i);
        }
        assertNull(consumer.receive(500), "a message came twice");
    }

    private static BytesMessage bulkMessage(Session s, int i) throws Exception {
        byte[] body = new byte[BODY];
        body[0] = (byte) i;
        body[BODY - 1] = (byte) (i >> 8);
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(body);
        m.setIntProperty("seq", i);
        return m;
    }

    /** The load tool's non-persistent workload in small: a fire-and-forget flood paged while a consumer drains it. */
    @Test
    void nonPersistentFloodPagedWhileConsumedArrivesWhole() throws Exception {
        Path config = dir.resolve("np.properties");
        Files.write(config, List.of("address.np.#.max-size-bytes = " + (1 << 20)));
        int port = ChildBroker.freePort();
        int count = Integer.getInteger("np.count", 60_000);
        try (ChildBroker broker = ChildBroker.start(dir.resolve("np-data"), port, "256m", "--config", config.toString());
             Connection pc = new WharfConnectionFactory(broker.url()).createConnection();
             Connection cc = new WharfConnectionFactory(broker.url()).createConnection()) {
            cc.start();
            Session cs = cc.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = cs.createConsumer(cs.createQueue("np.flood"));
            java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
            java.util.BitSet seen = new java.util.BitSet();
            Thread t = new Thread(() -> {
                try {
                    while (received.get() < count) {
                        jakarta.jms.Message m = consumer.receive(20_000);
                        if (m == null) {
                            return;
                        }
                        synchronized (seen) {
                            seen.set(m.getIntProperty("seq"));
                        }
                        received.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            Session ps = pc.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = ps.createProducer(ps.createQueue("np.flood"));
            p.setDeliveryMode(jakarta.jms.DeliveryMode.NON_PERSISTENT);
            byte[] body = new byte[1024];
            for (int i = 0; i < count; i++) {
                BytesMessage m = ps.createBytesMessage();
                m.writeBytes(body);
                m.setIntProperty("seq", i);
                p.send(m);
            }
            t.join(120_000);
            String out = broker.output();
            synchronized (seen) {
                assertEquals(count, received.get(), "missing: " + seen.nextClearBit(0) + " and " + (count - seen.cardinality() - 1)
                        + " more; page files " + pageBytes(dir.resolve("np-data").resolve("paging")) + "; broker said:\n"
                        + out.substring(Math.max(0, out.length() - 4000)));
            }
        }
    }
}
