package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.AddressSettings;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.TransactionRolledBackException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An address over its max-size-bytes blocks, fails or drops new messages, as configured. */
class AddressFullIT extends ConfiguredBrokerTestSupport {

    private static final int LIMIT = 10_000;
    private static final int BODY = 1024;

    @Override
    EmbeddedBroker.Builder configure(EmbeddedBroker.Builder b) {
        return b.addressSettings("block.#", AddressSettings.UNSET.withMaxSizeBytes(LIMIT)
                        .withFullPolicy(AddressSettings.FullPolicy.BLOCK))
                .addressSettings("block.short", AddressSettings.UNSET.withBlockTimeoutMillis(300))
                .addressSettings("fail.#", AddressSettings.UNSET.withMaxSizeBytes(LIMIT)
                        .withFullPolicy(AddressSettings.FullPolicy.FAIL))
                .addressSettings("drop.#", AddressSettings.UNSET.withMaxSizeBytes(LIMIT)
                        .withFullPolicy(AddressSettings.FullPolicy.DROP))
                .addressSettings("page.#", AddressSettings.UNSET.withMaxSizeBytes(LIMIT)
                        .withFullPolicy(AddressSettings.FullPolicy.PAGE));
    }

    private static BytesMessage message(Session s, int i) throws Exception {
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(new byte[BODY]);
        m.setIntProperty("seq", i);
        return m;
    }

    @Test
    void producerBlockedByAFullAddressResumesWhenAConsumerDrainsIt() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("block.orders");
        int total = 100;
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> producer = produceInBackground(q, total, 1, false, sent);
        // The producer gets as far as the limit allows and then waits.
        awaitStill(sent);
        assertTrue(sent.get() < total, "the producer was never held: it sent all " + total);
        assertTrue(broker.queueStats("block.orders").waiting() * BODY <= LIMIT + 2 * BODY,
                "the address holds " + broker.queueStats("block.orders").waiting() + " messages, over its limit");

        receiveAllInOrder(s.createConsumer(q), total, producer);
    }

    /**
     * Sends messages 0 to {@code total - 1} to {@code q} from a connection of its own, counting
     * them in {@code done} {@code batch} at a time: each batch committed when {@code transacted},
     * else each send as it returns.
     */
    private CompletableFuture<Void> produceInBackground(Queue q, int total, int batch, boolean transacted, AtomicInteger done) {
        return CompletableFuture.runAsync(() -> {
            try (Connection pc = factory.createConnection()) {
                Session ps = transacted ? pc.createSession(true, Session.SESSION_TRANSACTED)
                        : pc.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = ps.createProducer(q);
                for (int i = 0; i < total; i++) {
                    p.send(message(ps, i));
                    if ((i + 1) % batch == 0) {
                        if (transacted) {
                            ps.commit();
                        }
                        done.addAndGet(batch);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits until {@code count} has not moved for 300 ms (at most 10 s). */
    private static void awaitStill(AtomicInteger count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        int seen = -1;
        while (System.currentTimeMillis() < deadline && count.get() != seen) {
            seen = count.get();
            Thread.sleep(300);
        }
    }

    /** Receives messages 0 to {@code total - 1} in order, then sees the held producer finish. */
    private static void receiveAllInOrder(MessageConsumer c, int total, CompletableFuture<Void> producer) throws Exception {
        for (int i = 0; i < total; i++) {
            BytesMessage m = (BytesMessage) c.receive(10_000);
            assertNotNull(m, "message " + i + " did not arrive");
            assertEquals(i, m.getIntProperty("seq"), "order");
        }
        producer.get(10, TimeUnit.SECONDS);
        assertNull(c.receive(200));
    }

    @Test
    void sendToAFailAddressOverItsLimitIsRefusedWithResourceAllocationException() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("fail.orders");
        MessageProducer p = s.createProducer(q);
        int accepted = 0;
        ResourceAllocationException refused = null;
        for (int i = 0; i < 50 && refused == null; i++) {
            try {
                p.send(message(s, i));
                accepted++;
            } catch (ResourceAllocationException e) {
                refused = e;
            }
        }
        assertNotNull(refused, "no send was refused");
        assertTrue(refused.getMessage().contains("queue:fail.orders is full"), refused.getMessage());
        assertTrue(accepted >= LIMIT / (2 * BODY) && accepted <= LIMIT / BODY + 1, "accepted " + accepted);
        MessageConsumer c = s.createConsumer(q);
        for (int i = 0; i < accepted; i++) {
            assertNotNull(c.receive(5000));
        }
        p.send(message(s, 999));
        assertEquals(999, c.receive(5000).getIntProperty("seq"), "once drained, sends go through again");
    }

    @Test
    void fireAndForgetProducerLearnsOfAFullAddressWithinOneWindowOfSends() throws Exception {
        // Non-persistent sends are not confirmed one by one, but the client waits for every
        // 1000th, so a producer cannot run more than that far ahead of the broker.
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue("fail.quotes"));
        p.setDeliveryMode(jakarta.jms.DeliveryMode.NON_PERSISTENT);
        int sent = 0;
        ResourceAllocationException refused = null;
        while (refused == null && sent < 5000) {
            try {
                p.send(message(s, sent));
                sent++;
            } catch (ResourceAllocationException e) {
                refused = e;
            }
        }
        assertNotNull(refused, "5000 sends to a full address and the producer never heard of it");
        assertTrue(sent < 1000, "the producer ran " + sent + " sends ahead of the broker");
    }

    @Test
    void dropAddressOverItsLimitConfirmsAndDropsNewMessages() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("drop.quotes");
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 50; i++) {
            p.send(message(s, i));
        }
        MessageConsumer c = s.createConsumer(q);
        int received = 0;
        for (int expected = 0; c.receive(500) instanceof BytesMessage m; expected++) {
            assertEquals(expected, m.getIntProperty("seq"), "the oldest messages are kept, the newest dropped");
            received++;
        }
        assertTrue(received > 0 && received < 50, "received " + received);
        assertEquals(50 - received, broker.droppedWhileFullCount());
    }

    @Test
    void heldSendFailsClearlyWhenTheAddressStaysFullPastTheBlockTimeout() throws Exception {
        connection.close();
        connection = new WharfConnectionFactory(broker.url() + "?requestTimeout=2000").createConnection();
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("block.short");
        MessageProducer p = s.createProducer(q);
        ResourceAllocationException e = assertThrows(ResourceAllocationException.class, () -> {
            for (int i = 0; i < 50; i++) {
                p.send(message(s, i));
            }
        });
        assertTrue(e.getMessage().contains("queue:block.short is full"), e.getMessage());
    }

    @Test
    void transactedSendToAFullFailAddressRollsItsTransactionBack() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("fail.payments");
        MessageProducer p = s.createProducer(q);
        int accepted = 0;
        for (boolean full = false; !full && accepted < 50; ) {
            try {
                p.send(message(s, accepted));
                accepted++;
            } catch (ResourceAllocationException e) {
                full = true;
            }
        }
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        tx.createProducer(q).send(message(tx, 999));
        TransactionRolledBackException e = assertThrows(TransactionRolledBackException.class, tx::commit);
        assertTrue(e.getMessage().contains("queue:fail.payments is full"), e.getMessage());
        assertTrue(e.getLinkedException() instanceof ResourceAllocationException, String.valueOf(e.getLinkedException()));

        MessageConsumer c = s.createConsumer(q);
        for (int i = 0; i < accepted; i++) {
            assertEquals(i, ((BytesMessage) c.receive(5000)).getIntProperty("seq"));
        }
        assertNull(c.receive(300), "the rolled-back send arrived");
        tx.createProducer(q).send(message(tx, 1000));
        tx.commit();
        assertEquals(1000, c.receive(5000).getIntProperty("seq"), "once drained, the session commits again");
    }

    @Test
    void transactedProducerIsHeldByAFullBlockAddressUntilAConsumerDrainsIt() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("block.payments");
        int total = 100;
        // Small enough that one transaction's sends (each counted with what it costs the heap
        // besides its body) do not fill the address alone, which is refused instead of held.
        int perTransaction = 5;
        AtomicInteger committed = new AtomicInteger();
        CompletableFuture<Void> producer = produceInBackground(q, total, perTransaction, true, committed);
        awaitStill(committed);
        assertTrue(committed.get() < total, "the transacted producer was never held: it committed all " + total);
        // Over the limit by at most the transaction that was under way when the address filled.
        long waiting = broker.queueStats("block.payments").waiting();
        assertTrue(waiting * BODY <= LIMIT + 2L * perTransaction * BODY, "the address holds " + waiting + " messages");

        receiveAllInOrder(s.createConsumer(q), total, producer);
    }

    @Test
    void transactedSendToAFullDropAddressCommitsAndIsDropped() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("drop.payments");
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 50; i++) {
            p.send(message(s, i));
        }
        long droppedBefore = broker.droppedWhileFullCount();
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        tx.createProducer(q).send(message(tx, 999));
        tx.commit();
        assertEquals(droppedBefore + 1, broker.droppedWhileFullCount());
        MessageConsumer c = s.createConsumer(q);
        for (Object m = c.receive(500); m != null; m = c.receive(500)) {
            assertTrue(((BytesMessage) m).getIntProperty("seq") < 50, "the dropped transacted send arrived");
        }
    }

    @Test
    void uncommittedTransactedSendsFillAFailAddressUntilTheTransactionRollsBack() throws Exception {
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue("fail.pending");
        MessageProducer staged = tx.createProducer(q);
        for (int i = 0; i <= LIMIT / BODY; i++) {
            staged.send(message(tx, i));
        }
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(q);
        ResourceAllocationException e = assertThrows(ResourceAllocationException.class, () -> p.send(message(s, 100)),
                "a transaction's uncommitted sends did not count against the address");
        assertTrue(e.getMessage().contains("queue:fail.pending is full"), e.getMessage());

        tx.rollback();
        assertEquals(0, broker.messageBytes(), "the rolled-back sends still count");
        p.send(message(s, 101));
        assertEquals(101, ((BytesMessage) s.createConsumer(q).receive(5000)).getIntProperty("seq"));
    }

    @Test
    void transactionThatAloneFillsABlockAddressRollsBackInsteadOfWaitingForRoom() throws Exception {
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue("block.batch");
        MessageProducer p = tx.createProducer(q);
        long start = System.nanoTime();
        for (int i = 0; i < 2 * LIMIT / BODY; i++) {
            p.send(message(tx, i));
        }
        TransactionRolledBackException e = assertThrows(TransactionRolledBackException.class, tx::commit);
        assertTrue(e.getMessage().contains("uncommitted sends of this transaction alone fill address queue:block.batch"),
                e.getMessage());
        assertTrue(e.getLinkedException() instanceof ResourceAllocationException, String.valueOf(e.getLinkedException()));
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10,
                "the transaction waited for room that only its own commit could make");
        assertEquals(0, broker.messageBytes(), "the rolled-back sends still count");

        for (int i = 0; i < LIMIT / (2 * BODY); i++) {
            p.send(message(tx, 100 + i));
        }
        tx.commit();
        MessageConsumer c = connection.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        for (int i = 0; i < LIMIT / (2 * BODY); i++) {
            assertEquals(100 + i, ((BytesMessage) c.receive(5000)).getIntProperty("seq"), "a smaller transaction commits");
        }
    }

    @Test
    void transactedSendsPastAPageAddressLimitArePagedAndTheirPagesGoWithTheTransaction() throws Exception {
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue("page.batch");
        MessageProducer p = tx.createProducer(q);
        int total = 3 * LIMIT / BODY;
        for (int i = 0; i < total; i++) {
            p.send(message(tx, i));
        }
        // A round trip on the connection, so that every send above has been staged.
        connection.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
        long paged = broker.pagingStats().bodies();
        assertTrue(paged >= total - LIMIT / BODY - 1, "only " + paged + " of " + total + " uncommitted sends were paged");
        tx.rollback();
        assertEquals(0, broker.pagingStats().bodies(), "the rolled-back sends kept their pages");
        assertEquals(0, broker.messageBytes(), "the rolled-back sends still count");

        for (int i = 0; i < total; i++) {
            p.send(message(tx, i));
        }
        tx.commit();
        MessageConsumer c = connection.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
        byte[] body = new byte[BODY + 1];
        for (int i = 0; i < total; i++) {
            BytesMessage m = (BytesMessage) c.receive(5000);
            assertNotNull(m, "message " + i + " did not arrive");
            assertEquals(i, m.getIntProperty("seq"), "order");
            assertEquals(BODY, m.readBytes(body), "body of message " + i);
        }
        assertNull(c.receive(300));
        assertEquals(0, broker.pagingStats().bodies(), "consumed messages kept their pages");
    }
}
