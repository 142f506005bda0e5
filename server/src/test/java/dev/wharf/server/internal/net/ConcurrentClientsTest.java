package dev.wharf.server.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.ProtocolVersion;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.AckFrame;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.FlowFrame;
import dev.wharf.protocol.frame.ConnectedFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.CreateSessionFrame;
import dev.wharf.protocol.frame.CreditFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.OkFrame;
import dev.wharf.protocol.frame.SendFrame;
import dev.wharf.server.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Several producer and consumer connections at once: every message arrives exactly once. */
@Timeout(120)
class ConcurrentClientsTest {

    private static final WireDestination Q = WireDestination.queue("busy");
    private static final int PRODUCERS = 3;
    private static final int PER_PRODUCER = 100;

    @TempDir
    Path data;

    private static void connect(RawClient c) throws InterruptedException {
        c.send(new Packet(1, new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT, null, null, null)));
        assertInstanceOf(ConnectedFrame.class, c.next().frame());
        c.send(new Packet(1, new FlowFrame(true)));
        assertInstanceOf(OkFrame.class, c.next().frame());
        c.send(new Packet(2, new CreateSessionFrame(1, 1)));
        assertInstanceOf(OkFrame.class, c.next().frame());
    }

    @Test
    void everyMessageOfConcurrentProducersIsConsumedExactlyOnce() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).build()) {
            broker.start();
            int total = PRODUCERS * PER_PRODUCER;
            Set<String> seen = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicInteger received = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS + 2);
            List<Future<?>> tasks = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                tasks.add(pool.submit(() -> {
                    try (RawClient client = new RawClient(broker.port())) {
                        connect(client);
                        client.send(new Packet(3, new CreateConsumerFrame(1, 1, Q, null, false, SubscriptionKind.NONE, null, 10)));
                        while (received.get() < total) {
                            Object o = client.poll(100);
                            if (o instanceof Packet p && p.frame() instanceof DeliverFrame d) {
                                if (!seen.add(new String(d.message().body(), StandardCharsets.UTF_8))) {
                                    duplicates.incrementAndGet();
                                }
                                client.send(new Packet(0, new AckFrame(1, new long[] {d.deliveryId()})));
                                client.send(new Packet(0, new CreditFrame(1, 1)));
                                received.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                tasks.add(pool.submit(() -> {
                    try (RawClient client = new RawClient(broker.port())) {
                        connect(client);
                        for (int i = 0; i < PER_PRODUCER; i++) {
                            String text = producer + "-" + i;
                            WireMessage m = new WireMessage("ID:" + text, Q, null, null, null, WireMessage.PERSISTENT, 4, 1, 0, 0,
                                    null, null, null, BodyType.TEXT, text.getBytes(StandardCharsets.UTF_8));
                            client.send(new Packet(10 + i, new SendFrame(1, 1, m)));
                            assertInstanceOf(OkFrame.class, client.next().frame());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : tasks) {
                f.get();
            }
            pool.shutdown();
            assertEquals(total, seen.size());
            assertEquals(0, duplicates.get());
        }
    }
}
