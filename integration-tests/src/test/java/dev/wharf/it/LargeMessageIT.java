package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.WharfProperties;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Large messages over TCP against an in-process broker: bodies stream in chunks both ways. */
@Timeout(120)
class LargeMessageIT extends BrokerTestSupport {

    private static final int SIZE = 5 * 1024 * 1024 + 17;

    private static long crcOf(BytesMessage m) throws JMSException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[50_000];
        for (int n; (n = m.readBytes(buf)) > 0; ) {
            crc.update(buf, 0, n);
        }
        return crc.getValue();
    }

    private static BytesMessage bytes(Session s, long seed, int length) throws JMSException {
        BytesMessage m = s.createBytesMessage();
        byte[] buf = new byte[64 * 1024];
        for (int off = 0; off < length; off += buf.length) {
            int n = Math.min(buf.length, length - off);
            LargeBodies.fill(seed, off, buf, n);
            m.writeBytes(buf, 0, n);
        }
        return m;
    }

    private long largeFiles() throws IOException {
        Path dir = dataDir.resolve("large");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private void awaitNoLargeFiles() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (largeFiles() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, largeFiles(), "large message files left on the broker");
    }

    @Test
    void bytesMessageOverTheThresholdRoundTripsIntact() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("large"));
        BytesMessage out = bytes(s, 1, SIZE);
        out.setStringProperty("kind", "big");
        s.createProducer(q).send(out);
        BytesMessage in = (BytesMessage) s.createConsumer(q).receive(10_000);
        assertNotNull(in);
        assertEquals("big", in.getStringProperty("kind"));
        assertEquals(SIZE, in.getBodyLength());
        assertEquals(LargeBodies.crc(1, SIZE), crcOf(in));
        assertEquals(-1, in.readBytes(new byte[10]));
        in.reset();
        assertEquals(LargeBodies.crc(1, SIZE), crcOf(in));
        awaitNoLargeFiles();
    }

    @Test
    void typedReadsWorkAcrossTheReadWindowOfALargeBody() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("typed"));
        BytesMessage out = s.createBytesMessage();
        for (int i = 0; i < 100_000; i++) {
            out.writeInt(i);
            out.writeUTF("s" + i);
            out.writeLong(-i);
        }
        s.createProducer(q).send(out);
        BytesMessage in = (BytesMessage) s.createConsumer(q).receive(10_000);
        for (int i = 0; i < 100_000; i++) {
            assertEquals(i, in.readInt());
            assertEquals("s" + i, in.readUTF());
            assertEquals(-i, in.readLong());
        }
        assertThrows(jakarta.jms.MessageEOFException.class, in::readByte);
    }

    @Test
    void inputStreamPropertyStreamsTheBodyAndSaveStreamWritesItOut() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("streams"));
        BytesMessage out = s.createBytesMessage();
        int length = 3 * 1024 * 1024 + 5;
        out.setObjectProperty("JMS_WHARF_InputStream", LargeBodies.stream(7, length));
        s.createProducer(q).send(out);
        BytesMessage in = (BytesMessage) s.createConsumer(q).receive(10_000);
        assertNotNull(in);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        in.setObjectProperty("JMS_WHARF_SaveStream", saved);
        assertEquals(length, saved.size());
        CRC32 crc = new CRC32();
        crc.update(saved.toByteArray());
        assertEquals(LargeBodies.crc(7, length), crc.getValue());
        in.acknowledge();
        awaitNoLargeFiles();
    }

    @Test
    void failingInputStreamFailsTheSendAndStoresNothing() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("broken"));
        BytesMessage out = s.createBytesMessage();
        InputStream broken = new InputStream() {
            int left = 1_000_000;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new IOException("disk on fire");
                }
                return 1;
            }
        };
        out.setObjectProperty("JMS_WHARF_InputStream", broken);
        JMSException e = assertThrows(JMSException.class, () -> s.createProducer(q).send(out));
        assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
        MessageConsumer consumer = s.createConsumer(q);
        assertNull(consumer.receive(300));
        awaitNoLargeFiles();
        // The connection still works.
        s.createProducer(q).send(s.createTextMessage("after"));
        assertEquals("after", ((TextMessage) consumer.receive(5000)).getText());
    }

    @Test
    void largeTextAndObjectMessagesTravelChunkedAndArriveWhole() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("text"));
        String text = "x".repeat(2_000_000) + "é";
        MessageProducer p = s.createProducer(q);
        p.send(s.createTextMessage(text));
        p.send(s.createObjectMessage(new byte[1_500_000]));
        MessageConsumer consumer = s.createConsumer(q);
        assertEquals(text, ((TextMessage) consumer.receive(10_000)).getText());
        assertEquals(1_500_000, ((byte[]) ((ObjectMessage) consumer.receive(10_000)).getObject()).length);
    }

    @Test
    void topicWithTwoSubscribersDeliversOneLargeBodyToBoth() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("prices"));
        MessageConsumer a = s.createConsumer(t);
        MessageConsumer b = s.createConsumer(t);
        s.createProducer(t).send(bytes(s, 3, 1_000_000));
        assertEquals(LargeBodies.crc(3, 1_000_000), crcOf((BytesMessage) a.receive(10_000)));
        assertEquals(LargeBodies.crc(3, 1_000_000), crcOf((BytesMessage) b.receive(10_000)));
        awaitNoLargeFiles();
    }

    @Test
    void transactedLargeSendIsInvisibleUntilCommitAndGoneAfterRollback() throws Exception {
        Connection c = connect();
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("tx"));
        MessageProducer p = tx.createProducer(q);
        MessageConsumer consumer = s.createConsumer(q);
        p.send(bytes(tx, 4, 600_000));
        assertNull(consumer.receive(200));
        tx.rollback();
        assertNull(consumer.receive(200));
        awaitNoLargeFiles();
        p.send(bytes(tx, 5, 600_000));
        p.send(tx.createTextMessage("small after"));
        tx.commit();
        assertEquals(LargeBodies.crc(5, 600_000), crcOf((BytesMessage) consumer.receive(10_000)));
        assertEquals("small after", ((TextMessage) consumer.receive(5000)).getText());
    }

    @Test
    void selectorOnPropertiesPicksLargeMessages() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("selector"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 4; i++) {
            BytesMessage m = bytes(s, 10 + i, 300_000);
            m.setIntProperty("n", i);
            p.send(m);
        }
        MessageConsumer odd = s.createConsumer(q, "n = 1 OR n = 3");
        assertEquals(1, ((BytesMessage) odd.receive(10_000)).getIntProperty("n"));
        BytesMessage three = (BytesMessage) odd.receive(10_000);
        assertEquals(3, three.getIntProperty("n"));
        assertEquals(LargeBodies.crc(13, 300_000), crcOf(three));
        assertNull(odd.receive(200));
        odd.close();
        MessageConsumer rest = s.createConsumer(q);
        assertEquals(0, rest.receive(10_000).getIntProperty("n"));
        assertEquals(2, rest.receive(10_000).getIntProperty("n"));
        awaitNoLargeFiles();
    }

    @Test
    void browserSeesLargeMessagesWithTheirBodyLengthInAPropertyAndCannotReadTheBody() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("browse"));
        s.createProducer(q).send(bytes(s, 20, 400_000));
        QueueBrowser browser = s.createBrowser(q);
        Enumeration<?> e = browser.getEnumeration();
        Message m = (Message) e.nextElement();
        assertEquals(400_000L, m.getLongProperty(WharfProperties.LARGE_BODY_OMITTED));
        assertThrows(jakarta.jms.MessageFormatException.class, () -> ((BytesMessage) m).readBytes(new byte[10]));
        assertThrows(jakarta.jms.MessageFormatException.class, () -> m.getBody(byte[].class));
        browser.close();
        assertEquals(LargeBodies.crc(20, 400_000), crcOf((BytesMessage) s.createConsumer(q).receive(10_000)));
    }

    @Test
    void completionListenerHearsOfALargeSend() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("async"));
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        s.createProducer(q).send(bytes(s, 30, 500_000), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                done.countDown();
            }

            @Override
            public void onException(Message message, Exception exception) {
                failure.set(exception);
                done.countDown();
            }
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertNull(failure.get());
        assertEquals(LargeBodies.crc(30, 500_000), crcOf((BytesMessage) s.createConsumer(q).receive(10_000)));
    }

    @Test
    void concurrentProducersAndConsumersOfLargeAndSmallMessagesGetEveryBodyIntact() throws Exception {
        Queue q = connect().createSession(false, Session.AUTO_ACKNOWLEDGE).createQueue(unique("mixed"));
        int producers = 3;
        int perProducer = 12;
        java.util.concurrent.ConcurrentHashMap<String, Long> expected = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int p = 0; p < producers; p++) {
            int pid = p;
            Connection pc = connect();
            threads.add(new Thread(() -> {
                try {
                    Session ps = pc.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer prod = ps.createProducer(q);
                    java.util.Random r = new java.util.Random(pid);
                    for (int i = 0; i < perProducer; i++) {
                        int size = i % 3 == 0 ? r.nextInt(1000) : 100_000 + r.nextInt(2_000_000);
                        long seed = pid * 1000L + i;
                        BytesMessage m = bytes(ps, seed, size);
                        m.setIntProperty("producer", pid);
                        m.setIntProperty("seq", i);
                        expected.put(pid + "/" + i, LargeBodies.crc(seed, size));
                        prod.send(m);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        java.util.concurrent.ConcurrentHashMap<String, Long> got = new java.util.concurrent.ConcurrentHashMap<>();
        Connection cc = connect();
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        for (int k = 0; k < 2; k++) {
            Session cs = cc.createSession(false, Session.AUTO_ACKNOWLEDGE);
            cs.createConsumer(q).setMessageListener(message -> {
                try {
                    BytesMessage b = (BytesMessage) message;
                    int pid = b.getIntProperty("producer");
                    int seq = b.getIntProperty("seq");
                    got.put(pid + "/" + seq, crcOf(b));
                    all.countDown();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertTrue(all.await(60, TimeUnit.SECONDS), "received " + got.size() + " of " + producers * perProducer);
        assertNull(failure.get());
        assertEquals(expected, got);
        awaitNoLargeFiles();
    }

    @Test
    void oneConsumerSeesEachProducersLargeAndSmallMessagesInSendOrder() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("order"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 10; i++) {
            BytesMessage m = bytes(s, i, i % 2 == 0 ? 300_000 : 10);
            m.setIntProperty("seq", i);
            p.send(m);
        }
        MessageConsumer consumer = connect().createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        for (int i = 0; i < 10; i++) {
            BytesMessage m = (BytesMessage) consumer.receive(10_000);
            assertEquals(i, m.getIntProperty("seq"));
            assertEquals(LargeBodies.crc(i, i % 2 == 0 ? 300_000 : 10), crcOf(m));
        }
    }

    @Test
    void smallBytesMessageStaysInMemoryAndBelowTheThresholdTravelsInOneFrame() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("small"));
        byte[] body = new byte[50_000];
        LargeBodies.fill(40, 0, body, body.length);
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(body);
        s.createProducer(q).send(m);
        BytesMessage in = (BytesMessage) s.createConsumer(q).receive(5000);
        assertArrayEquals(body, in.getBody(byte[].class));
        assertEquals(0, largeFiles());
    }
}
