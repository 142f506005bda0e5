package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.AddressSettings;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code global.max.size}: once all addresses together hold that many message bytes, every
 * address is full, even one with no limit of its own, and its address-full-policy applies;
 * room made on one address lets another's held producers go.
 */
class GlobalMaxSizeIT extends ConfiguredBrokerTestSupport {

    private static final long LIMIT = 20_000;
    private static final int BODY = 1024;
    private static final int FILL = 30;

    @Override
    EmbeddedBroker.Builder configure(EmbeddedBroker.Builder b) {
        return b.globalMaxSize(LIMIT)
                .addressSettings("fail.#", AddressSettings.UNSET.withFullPolicy(AddressSettings.FullPolicy.FAIL))
                .addressSettings("block.#", AddressSettings.UNSET.withFullPolicy(AddressSettings.FullPolicy.BLOCK));
    }

    private static BytesMessage message(Session s, int i) throws Exception {
        BytesMessage m = s.createBytesMessage();
        byte[] body = new byte[BODY];
        java.util.Arrays.fill(body, (byte) i);
        m.writeBytes(body);
        m.setIntProperty("seq", i);
        return m;
    }

    /** Sends {@link #FILL} messages to {@code paged.a} (policy PAGE, the default, no limit of its own). */
    private void fill(Session s, Queue paged) throws Exception {
        MessageProducer p = s.createProducer(paged);
        for (int i = 0; i < FILL; i++) {
            p.send(message(s, i));
        }
        p.close();
        assertTrue(broker.messageBytes() >= LIMIT, "the addresses hold " + broker.messageBytes() + " bytes");
    }

    private static void drain(Session s, Queue q, int count) throws Exception {
        MessageConsumer c = s.createConsumer(q);
        for (int i = 0; i < count; i++) {
            BytesMessage m = (BytesMessage) c.receive(10_000);
            assertNotNull(m, "message " + i + " of " + q + " did not arrive");
            assertEquals(i, m.getIntProperty("seq"));
            byte[] body = new byte[BODY + 1];
            assertEquals(BODY, m.readBytes(body), "message " + i + "'s body");
            assertEquals((byte) i, body[BODY - 1], "message " + i + "'s body");
        }
        c.close();
    }

    @Test
    void addressesWithoutALimitOfTheirOwnPageOrFailOnceAllTogetherHoldGlobalMaxSize() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue paged = s.createQueue("paged.a");
        Queue fail = s.createQueue("fail.b");
        fill(s, paged);
        assertTrue(broker.pagingStats().bodies() > 0, "no body was paged once the broker was full");

        MessageProducer p = s.createProducer(fail);
        ResourceAllocationException e = assertThrows(ResourceAllocationException.class, () -> p.send(message(s, 0)));
        assertTrue(e.getMessage().contains("global.max.size " + LIMIT), e.getMessage());

        // Every paged message comes back whole, and the room it leaves serves the other address.
        drain(s, paged, FILL);
        p.send(message(s, 0));
        drain(s, fail, 1);
    }

    @Test
    void aProducerHeldByTheGlobalLimitGoesOnWhenAnotherAddressIsDrained() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue paged = s.createQueue("paged.a");
        Queue blocked = s.createQueue("block.b");
        fill(s, paged);

        int total = 5;
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try (Connection pc = factory.createConnection()) {
                Session ps = pc.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = ps.createProducer(blocked);
                for (int i = 0; i < total; i++) {
                    p.send(message(ps, i));
                    sent.incrementAndGet();
                }
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        Thread.sleep(1_000);
        assertEquals(0, sent.get(), "a send to a BLOCK address went through while the broker was full");

        drain(s, paged, FILL);
        producer.get(15, TimeUnit.SECONDS);
        assertEquals(total, sent.get());
        drain(s, blocked, total);
    }
}
