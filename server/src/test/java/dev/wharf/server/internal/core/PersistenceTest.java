package dev.wharf.server.internal.core;

import static dev.wharf.server.internal.core.TestClient.ids;
import static dev.wharf.server.internal.core.TestClient.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.frame.AckFrame;
import dev.wharf.protocol.frame.CloseConsumerFrame;
import dev.wharf.protocol.frame.CommitFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.RecoverFrame;
import dev.wharf.protocol.frame.SendFrame;
import dev.wharf.protocol.frame.UnsubscribeFrame;
import dev.wharf.server.internal.store.StoreRecords;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The persistence mapping over the in-memory journal: what a restart brings back. */
class PersistenceTest {

    private static final WireDestination ORDERS = WireDestination.queue("orders");
    private static final WireDestination PRICES = WireDestination.topic("prices");

    private BrokerHarness h = new BrokerHarness();

    @Test
    void persistentMessagesSurviveRestartAndAcknowledgedOnesDoNotComeBack() {
        TestClient c = h.client(null);
        c.session(1, 1);
        for (int i = 0; i < 3; i++) {
            c.send(1, Messages.text(ORDERS, "m" + i, 4, true));
        }
        c.consumer(1, 1, ORDERS, 1);
        List<DeliverFrame> first = c.takeDeliveries();
        assertEquals(List.of("m0"), texts(first));
        c.ok(new AckFrame(1, ids(first)));

        h = h.restart();
        TestClient c2 = h.client(null);
        c2.session(1, 1);
        c2.consumer(1, 1, ORDERS, 10);
        assertEquals(List.of("m1", "m2"), texts(c2.takeDeliveries()));
    }

    @Test
    void nonPersistentMessagesAreNotJournaled() {
        TestClient c = h.client(null);
        c.session(1, 1);
        c.send(1, Messages.text(ORDERS, "np", 4, false));
        assertEquals(0, h.journal.count(StoreRecords.MESSAGE));
        h = h.restart();
        TestClient c2 = h.client(null);
        c2.session(1, 1);
        c2.consumer(1, 1, ORDERS, 10);
        assertEquals(List.of(), texts(c2.takeDeliveries()));
    }

    @Test
    void deliveryCountSurvivesRestart() {
        TestClient c = h.client(null);
        c.session(1, 2);
        c.send(1, Messages.text(ORDERS, "m", 4, true));
        c.consumer(1, 1, ORDERS, 10);
        List<DeliverFrame> d = c.takeDeliveries();
        c.ok(new CloseConsumerFrame(1, new long[0]));
        c.ok(new RecoverFrame(1, ids(d), new long[0]));

        h = h.restart();
        TestClient c2 = h.client(null);
        c2.session(1, 1);
        c2.consumer(1, 1, ORDERS, 10);
        List<DeliverFrame> again = c2.takeDeliveries();
        assertEquals(1, again.size());
        assertEquals(2, again.get(0).deliveryCount());
    }

    @Test
    void messageSentToTwoDurableSubscriptionsIsStoredOnceAndReferencedTwice() {
        TestClient c = h.client("cid");
        c.session(1, 1);
        c.durable(1, 1, PRICES, "a", null);
        c.durable(1, 2, PRICES, "b", null);
        c.send(1, Messages.text(PRICES, "p", 4, true));
        assertEquals(1, h.journal.count(StoreRecords.MESSAGE));
        assertEquals(2, h.journal.count(StoreRecords.REF));
        List<DeliverFrame> d = c.takeDeliveries();
        c.ok(new AckFrame(1, ids(d)));
        assertEquals(0, h.journal.count(StoreRecords.MESSAGE));
        assertEquals(0, h.journal.count(StoreRecords.REF));
    }

    @Test
    void durableSubscriptionAndItsMessagesSurviveRestart() {
        TestClient c = h.client("cid");
        c.session(1, 1);
        c.ok(new CreateConsumerFrame(1, 1, PRICES, "x > 1", false, SubscriptionKind.DURABLE, "watch", 10));
        c.ok(new CloseConsumerFrame(1, new long[0]));
        TestClient p = h.client(null);
        p.session(1, 1);
        p.send(1, Messages.text(PRICES, "while-offline", 4, true, java.util.Map.of("x", 5), 0, 0));

        h = h.restart();
        Subscription s = h.broker.findSubscription("cid", "watch");
        assertNotNull(s);
        assertEquals("x > 1", s.selectorText());
        TestClient c2 = h.client("cid");
        c2.session(1, 1);
        c2.ok(new CreateConsumerFrame(1, 1, PRICES, "x > 1", false, SubscriptionKind.DURABLE, "watch", 10));
        assertEquals(List.of("while-offline"), texts(c2.takeDeliveries()));
    }

    @Test
    void unsubscribedDurableSubscriptionIsGoneAfterRestart() {
        TestClient c = h.client("cid");
        c.session(1, 1);
        c.durable(1, 1, PRICES, "gone", null);
        c.send(1, Messages.text(PRICES, "p", 4, true));
        c.ok(new CloseConsumerFrame(1, ids(c.takeDeliveries())));
        c.ok(new UnsubscribeFrame("gone"));
        assertEquals(0, h.journal.count(StoreRecords.REF));
        assertEquals(0, h.journal.count(StoreRecords.MESSAGE));
        h = h.restart();
        assertNull(h.broker.findSubscription("cid", "gone"));
    }

    @Test
    void transactedSendsAndAcksAreJournaledAtCommit() {
        TestClient c = h.client(null);
        c.session(1, 0);
        c.ok(new SendFrame(1, 1, Messages.text(ORDERS, "t1", 4, true)));
        assertEquals(0, h.journal.count(StoreRecords.MESSAGE));
        c.ok(new CommitFrame(1, new long[0]));
        assertEquals(1, h.journal.count(StoreRecords.MESSAGE));
        c.consumer(1, 1, ORDERS, 10);
        List<DeliverFrame> d = c.takeDeliveries();
        c.ok(new CommitFrame(1, ids(d)));
        assertEquals(0, h.journal.count(StoreRecords.MESSAGE));
        h = h.restart();
        TestClient c2 = h.client(null);
        c2.session(1, 1);
        c2.consumer(1, 1, ORDERS, 10);
        assertEquals(List.of(), texts(c2.takeDeliveries()));
    }

    @Test
    void expirySweepDropsExpiredMessagesNobodyConsumesAndForgetsThemInTheJournal() {
        TestClient c = h.client(null);
        c.session(1, 1);
        c.send(1, Messages.text(ORDERS, "short", 4, true, java.util.Map.of(), h.clock.millis() + 1000, 0));
        c.send(1, Messages.text(ORDERS, "long", 4, true));
        assertEquals(2, h.journal.count(StoreRecords.REF));
        h.clock.advance(1000);
        assertEquals(1, h.broker.sweepExpired());
        assertEquals(1, h.journal.count(StoreRecords.REF));
        assertEquals(1, h.journal.count(StoreRecords.MESSAGE));
    }

    @Test
    void declaredQueueSurvivesRestartAndIdsContinueAboveTheHighest() {
        h.broker.declareQueue("declared");
        h = h.restart();
        assertNotNull(h.broker.findQueue("declared"));
        long next = h.broker.store().nextId();
        assertEquals(true, next > 1);
    }
}
