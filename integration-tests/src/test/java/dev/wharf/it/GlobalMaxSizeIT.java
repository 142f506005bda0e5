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
                .addressSettings("block.#", AddressSettings.UNSET.withFullPolicy(AddressSettings.FullPolicy.BLOCK))
                .addressSettings("capped.#", AddressSettings.UNSET.withBlockTimeoutMillis(300));
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

    /**
     * Sends to {@code capped.a} (PAGE, held sends fail after 300 ms) until paging is full and a
     * send fails; returns how many went.
     */
    private int fillPaging(Session s, Queue capped) throws Exception {
        MessageProducer p = s.createProducer(capped);
        for (int i = 0; i < 10_000; i++) {
            try {
                p.send(message(s, i));
            } catch (ResourceAllocationException e) {
                assertTrue(e.getMessage().contains("paged messages fill the heap set aside for them"), e.getMessage());
                assertTrue(e.getMessage().contains("twice global.max.size " + LIMIT), e.getMessage());
                p.close();
                return i;
            }
        }
        throw new AssertionError("10 000 sends to a PAGE address went through: paging never filled (the broker holds "
                + broker.messageBytes() + " bytes, global.max.size " + LIMIT + ")");
    }

    /** Sends {@code total} messages to {@code q} on a connection and thread of their own, counting them in {@code sent}. */
    private CompletableFuture<Void> produce(Queue q, int total, AtomicInteger sent) {
        return CompletableFuture.runAsync(() -> {
            try (Connection pc = factory.createConnection()) {
                Session ps = pc.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = ps.createProducer(q);
                for (int i = 0; i < total; i++) {
                    p.send(message(ps, i));
                    sent.incrementAndGet();
                }
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
    }

    @Test
    void pagingHoldsSendsOnceThePagedHeadersFillAnotherGlobalMaxSizeAndTakesThemWhenDrained() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue capped = s.createQueue("capped.a");
        int sent = fillPaging(s, capped);
        // Every message past global.max.size was paged; paging held sends only at twice the limit.
        assertTrue(sent > LIMIT / BODY, "only " + sent + " messages went before paging was full");
        assertTrue(broker.pagingStats().bodies() >= sent - LIMIT / BODY, broker.pagingStats().bodies() + " of " + sent
                + " messages paged");
        assertTrue(broker.messageBytes() >= 2 * LIMIT, "held at " + broker.messageBytes() + " bytes");
        assertTrue(broker.messageBytes() < 2 * LIMIT + 2 * BODY, "went on to " + broker.messageBytes() + " bytes");

        drain(s, capped, sent);
        MessageProducer p = s.createProducer(capped);
        p.send(message(s, 0));
        drain(s, capped, 1);
    }

    @Test
    void aProducerHeldByFullPagingGoesOnWhenAnotherAddressIsDrained() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue capped = s.createQueue("capped.a");
        Queue paged = s.createQueue("paged.b");
        int filled = fillPaging(s, capped);

        int total = 5;
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> producer = produce(paged, total, sent);
        Thread.sleep(1_000);
        assertEquals(0, sent.get(), "a send to a PAGE address went through while paging was full");

        drain(s, capped, filled);
        producer.get(15, TimeUnit.SECONDS);
        assertEquals(total, sent.get());
        drain(s, paged, total);
    }

    @Test
    void aProducerHeldByTheGlobalLimitGoesOnWhenAnotherAddressIsDrained() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue paged = s.createQueue("paged.a");
        Queue blocked = s.createQueue("block.b");
        fill(s, paged);

        int total = 5;
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> producer = produce(blocked, total, sent);
        Thread.sleep(1_000);
        assertEquals(0, sent.get(), "a send to a BLOCK address went through while the broker was full");

        drain(s, paged, FILL);
        producer.get(15, TimeUnit.SECONDS);
        assertEquals(total, sent.get());
        drain(s, blocked, total);
    }
}
