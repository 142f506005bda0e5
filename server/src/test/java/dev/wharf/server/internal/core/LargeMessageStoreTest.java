package dev.wharf.server.internal.core;

import static dev.wharf.server.internal.core.TestClient.ids;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.Frame;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.AckFrame;
import dev.wharf.protocol.frame.BodyChunkFrame;
import dev.wharf.protocol.frame.BodyEndFrame;
import dev.wharf.protocol.frame.CommitFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.LargeDeliverFrame;
import dev.wharf.protocol.frame.LargeSendFrame;
import dev.wharf.protocol.frame.OkFrame;
import dev.wharf.protocol.frame.RollbackFrame;
import dev.wharf.server.internal.store.InMemoryJournal;
import dev.wharf.server.internal.store.LargeBody;
import dev.wharf.server.internal.store.LargeMessageStore;
import dev.wharf.server.internal.store.StoreRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Large messages in the broker core and its store: body files, journal records, recovery, deletion. */
@Timeout(30)
class LargeMessageStoreTest {

    private static final WireDestination ORDERS = WireDestination.queue("orders");
    private static final WireDestination PRICES = WireDestination.topic("prices");

    @TempDir
    Path dir;
    private BrokerHarness h;
    private long nextCorr = 1000;

    @BeforeEach
    void start() {
        h = new BrokerHarness(new InMemoryJournal(), true, null, dir.resolve("large"));
    }

    private static WireMessage header(WireDestination d, String id, boolean persistent) {
        return new WireMessage(id, d, null, null, null, persistent ? WireMessage.PERSISTENT : WireMessage.NON_PERSISTENT,
                4, 1000, 0, 0, null, "producer", java.util.Map.of("color", "red"), BodyType.BYTES, null);
    }

    private static byte[] body(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes a body as the I/O thread would and hands the finished message to the connection. */
    private Frame largeSend(TestClient c, long session, WireMessage header, byte[] body) throws Exception {
        LargeMessageStore store = h.broker.store().largeMessages();
        LargeMessageStore.Upload u = store.begin();
        for (int off = 0; off < body.length; off += 100_000) {
            u.write(java.util.Arrays.copyOfRange(body, off, Math.min(body.length, off + 100_000)));
        }
        LargeBody b = u.finish(true);
        long corr = nextCorr++;
        c.connection.onLargeSend(corr, new LargeSendFrame(session, 1, 1, body.length, header), b);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Packet p : c.received) {
                if (p.correlationId() == corr) {
                    return p.frame();
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no answer to the large send");
    }

    /** Large deliveries received so far, reassembled, and forgets them. */
    private static List<Object[]> takeLarge(TestClient c) {
        List<Object[]> out = new ArrayList<>();
        LargeDeliverFrame current = null;
        ByteArrayOutputStream bytes = null;
        List<Packet> seen = new ArrayList<>();
        for (Packet p : c.received) {
            if (p.frame() instanceof LargeDeliverFrame d) {
                current = d;
                bytes = new ByteArrayOutputStream();
                seen.add(p);
            } else if (p.frame() instanceof BodyChunkFrame chunk) {
                assertEquals(current.deliveryId(), chunk.streamId());
                bytes.writeBytes(chunk.data());
                seen.add(p);
            } else if (p.frame() instanceof BodyEndFrame end) {
                assertFalse(end.aborted());
                out.add(new Object[] {current, bytes.toByteArray()});
                seen.add(p);
            }
        }
        c.received.removeAll(seen);
        return out;
    }

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("large"))) {
            return s.count();
        }
    }

    private void awaitFiles(long expected) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (files() != expected && System.nanoTime() < deadline) {
            h.scheduler.advance(0); // journal completions hop to the broker thread through the scheduler
            Thread.sleep(5);
        }
        assertEquals(expected, files(), "large message files");
    }

    @Test
    void largeMessageIsJournaledAsASmallRecordAndDeliveredFromItsFile() throws Exception {
        TestClient c = h.client(null);
        c.session(1, 1);
        byte[] body = body(700_000, 1);
        assertInstanceOf(OkFrame.class, largeSend(c, 1, header(ORDERS, "ID:big", true), body));
        assertEquals(1, h.journal.count(StoreRecords.LARGE_MESSAGE));
        assertEquals(0, h.journal.count(StoreRecords.MESSAGE));
        awaitFiles(1);
        c.consumer(1, 1, ORDERS, 10);
        List<Object[]> got = takeLarge(c);
        assertEquals(1, got.size());
        assertEquals("red", ((LargeDeliverFrame) got.get(0)[0]).message().properties().get("color"));
        assertEquals(body.length, ((LargeDeliverFrame) got.get(0)[0]).bodyLength());
        assertArrayEquals(body, (byte[]) got.get(0)[1]);
    }

    @Test
    void largeMessageSurvivesRestart() throws Exception {
        TestClient c = h.client(null);
        c.session(1, 1);
        byte[] body = body(500_000, 2);
        assertInstanceOf(OkFrame.class, largeSend(c, 1, header(ORDERS, "ID:big", true), body));
        h = h.restart();
        awaitFiles(1);
        TestClient c2 = h.client(null);
        c2.session(1, 1);
        c2.consumer(1, 1, ORDERS, 10);
        List<Object[]> got = takeLarge(c2);
        assertEquals(1, got.size());
        assertEquals("ID:big", ((LargeDeliverFrame) got.get(0)[0]).message().messageId());
        assertArrayEquals(body, (byte[]) got.get(0)[1]);
    }

    @Test
    void unconfirmedPartialBodyIsDiscardedAtRestart() throws Exception {
        LargeMessageStore.Upload partial = h.broker.store().largeMessages().begin();
        partial.write(new byte[300_000]);
        // A body forced but whose journal record was never written (a crash before the commit point).
        LargeMessageStore.Upload unjournaled = h.broker.store().largeMessages().begin();
        unjournaled.write(new byte[10]);
        unjournaled.finish(true);
        assertEquals(2, files());
        h = h.restart();
        assertEquals(0, files());
        TestClient c = h.client(null);
        c.session(1, 1);
        c.consumer(1, 1, ORDERS, 10);
        assertTrue(takeLarge(c).isEmpty());
    }

    @Test
    void fileIsDeletedAfterTheAck() throws Exception {
        TestClient c = h.client(null);
        c.session(1, 2);
        assertInstanceOf(OkFrame.class, largeSend(c, 1, header(ORDERS, "ID:big", true), body(200_000, 3)));
        c.consumer(1, 1, ORDERS, 10);
        List<Object[]> got = takeLarge(c);
        awaitFiles(1);
        c.ok(new AckFrame(1, new long[] {((LargeDeliverFrame) got.get(0)[0]).deliveryId()}));
        awaitFiles(0);
        assertEquals(0, h.journal.count(StoreRecords.LARGE_MESSAGE));
    }

    @Test
    void topicWithTwoSubscriptionsKeepsOneFileUntilBothAck() throws Exception {
        TestClient c = h.client("client");
        c.session(1, 2);
        c.ok(new CreateConsumerFrame(1, 1, PRICES, null, false, SubscriptionKind.DURABLE, "a", 10));
        c.ok(new CreateConsumerFrame(1, 2, PRICES, null, false, SubscriptionKind.DURABLE, "b", 10));
        byte[] body = body(300_000, 4);
        assertInstanceOf(OkFrame.class, largeSend(c, 1, header(PRICES, "ID:tick", true), body));
        List<Object[]> got = takeLarge(c);
        assertEquals(2, got.size());
        assertArrayEquals(body, (byte[]) got.get(1)[1]);
        awaitFiles(1);
        c.ok(new AckFrame(1, new long[] {((LargeDeliverFrame) got.get(0)[0]).deliveryId()}));
        Thread.sleep(50);
        awaitFiles(1);
        c.ok(new AckFrame(1, new long[] {((LargeDeliverFrame) got.get(1)[0]).deliveryId()}));
        awaitFiles(0);
    }

    @Test
    void rolledBackTransactionDeletesItsLargeBody() throws Exception {
        TestClient c = h.client(null);
        c.session(1, 0);
        assertInstanceOf(OkFrame.class, largeSend(c, 1, header(ORDERS, "ID:tx", true), body(200_000, 5)));
        awaitFiles(1);
        c.ok(new RollbackFrame(1, new long[0], new long[0]));
        awaitFiles(0);
    }

    @Test
    void committedTransactionDeliversItsLargeMessage() throws Exception {
        TestClient c = h.client(null);
        c.session(1, 0);
        byte[] body = body(200_000, 6);
        assertInstanceOf(OkFrame.class, largeSend(c, 1, header(ORDERS, "ID:tx", true), body));
        c.ok(new CommitFrame(1, new long[0]));
        assertEquals(1, h.journal.count(StoreRecords.LARGE_MESSAGE));
        c.session(2, 1);
        c.consumer(2, 1, ORDERS, 10);
        List<Object[]> got = takeLarge(c);
        assertArrayEquals(body, (byte[]) got.get(0)[1]);
    }

    @Test
    void largeMessageToATopicWithoutSubscriptionsLeavesNoFile() throws Exception {
        TestClient c = h.client(null);
        c.session(1, 1);
        assertInstanceOf(OkFrame.class, largeSend(c, 1, header(PRICES, "ID:nobody", true), body(200_000, 7)));
        awaitFiles(0);
    }

    @Test
    void largeDeliveryTakesAllTheCreditSoTheConsumerHoldsOneAtATime() throws Exception {
        TestClient c = h.client(null);
        c.session(1, 1);
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(OkFrame.class, largeSend(c, 1, header(ORDERS, "ID:big" + i, false), body(150_000, 20 + i)));
        }
        c.consumer(1, 1, ORDERS, 10);
        List<Object[]> first = takeLarge(c);
        assertEquals(1, first.size());
        assertEquals(10, ((LargeDeliverFrame) first.get(0)[0]).credits());
        c.connection.handle(new Packet(0, new dev.wharf.protocol.frame.CreditFrame(1, 10)));
        List<Object[]> second = takeLarge(c);
        assertEquals(1, second.size());
        assertEquals("ID:big1", ((LargeDeliverFrame) second.get(0)[0]).message().messageId());
    }

    @Test
    void selectorOnPropertiesOfALargeMessageWorks() throws Exception {
        TestClient c = h.client(null);
        c.session(1, 1);
        assertInstanceOf(OkFrame.class, largeSend(c, 1, header(ORDERS, "ID:big", false), body(150_000, 8)));
        c.ok(new CreateConsumerFrame(1, 1, ORDERS, "color = 'blue'", false, SubscriptionKind.NONE, null, 10));
        assertTrue(takeLarge(c).isEmpty());
        c.ok(new CreateConsumerFrame(1, 2, ORDERS, "color = 'red'", false, SubscriptionKind.NONE, null, 10));
        assertEquals(1, takeLarge(c).size());
        assertEquals(0, ids(c.takeDeliveries()).length);
    }
}
