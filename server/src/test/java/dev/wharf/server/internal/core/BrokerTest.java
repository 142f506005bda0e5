package dev.wharf.server.internal.core;

import static dev.wharf.server.internal.core.TestClient.ids;
import static dev.wharf.server.internal.core.TestClient.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.frame.AckFrame;
import dev.wharf.protocol.frame.BrowseBatchFrame;
import dev.wharf.protocol.frame.BrowseNextFrame;
import dev.wharf.protocol.frame.CloseConsumerFrame;
import dev.wharf.protocol.frame.CloseSessionFrame;
import dev.wharf.protocol.frame.CommitFrame;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.CreateBrowserFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.CreateProducerFrame;
import dev.wharf.protocol.frame.CreateTempDestinationFrame;
import dev.wharf.protocol.frame.DeleteTempDestinationFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.FlowFrame;
import dev.wharf.protocol.frame.RecoverFrame;
import dev.wharf.protocol.frame.RollbackFrame;
import dev.wharf.protocol.frame.SendFrame;
import dev.wharf.protocol.frame.SetClientIdFrame;
import dev.wharf.protocol.frame.UnsubscribeFrame;
import dev.wharf.server.internal.security.PasswordHasher;
import dev.wharf.server.internal.security.UserStore;
import dev.wharf.server.internal.store.InMemoryJournal;
import dev.wharf.server.internal.store.StoreRecords;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Frame handling of one or more connections against the broker core. */
@org.junit.jupiter.api.Timeout(30)
class BrokerTest {

    private static final WireDestination Q = WireDestination.queue("q");
    private static final WireDestination T = WireDestination.topic("t");

    private final BrokerHarness h = new BrokerHarness();

    @Test
    void topicMessageGoesToEverySubscriptionWhoseSelectorMatches() {
        TestClient c = h.client(null);
        c.session(1, 1);
        c.consumer(1, 1, T, 10);
        c.ok(new CreateConsumerFrame(1, 2, T, "kind = 'b'", false, SubscriptionKind.NONE, null, 10));
        c.send(1, Messages.text(T, "a", 4, false, Map.of("kind", "a"), 0, 0));
        c.send(1, Messages.text(T, "b", 4, false, Map.of("kind", "b"), 0, 0));
        List<DeliverFrame> d = c.takeDeliveries();
        assertEquals(List.of("a", "b"), texts(d.stream().filter(f -> f.consumerId() == 1).toList()));
        assertEquals(List.of("b"), texts(d.stream().filter(f -> f.consumerId() == 2).toList()));
    }

    @Test
    void removeMessagesTakesAtMostOneBatchOfTheWaitingOnesThatMatchInQueueOrder() throws Exception {
        TestClient p = h.client(null);
        p.session(1, 1);
        for (int i = 1; i <= 5; i++) {
            p.send(1, Messages.text(Q, "m" + i, 4, true, Map.of("n", i), 0, 0));
        }
        Queue q = h.broker.findQueue("q");
        assertEquals(2, h.broker.removeMessages(q, "n > 1", 2));
        assertEquals(2, h.broker.removeMessages(q, "n > 1", 2));
        assertEquals(0, h.broker.removeMessages(q, "n > 1", 2));
        assertEquals(1, q.size());
        assertEquals(1, h.broker.removeMessages(q, null, 2));
        assertEquals(0, q.size());
        assertEquals(0, h.broker.totalBytes(), "removed messages give their bytes back");
        assertThrows(BrokerException.class, () -> h.broker.removeMessages(q, "n ==", 2));
    }

    @Test
    void stoppedConnectionReceivesNothingAndLeavesTheMessageToAStartedOne() {
        TestClient stopped = h.client(null);
        stopped.ok(new FlowFrame(false));
        TestClient started = h.client(null);
        stopped.session(1, 1);
        started.session(1, 1);
        stopped.consumer(1, 1, Q, 10);
        started.send(1, Messages.text(Q, "first", 4, false));
        started.consumer(1, 1, Q, 10);
        started.send(1, Messages.text(Q, "second", 4, false));
        assertEquals(List.of(), texts(stopped.takeDeliveries()));
        assertEquals(List.of("first", "second"), texts(started.takeDeliveries()));

        started.ok(new FlowFrame(false));
        started.send(1, Messages.text(Q, "third", 4, false));
        assertEquals(List.of(), texts(started.takeDeliveries()));
        stopped.ok(new FlowFrame(true));
        assertEquals(List.of("third"), texts(stopped.takeDeliveries()));
    }

    @Test
    void tenthFailedDeliveryMovesTheMessageToDLQByDefault() {
        TestClient c = h.client(null);
        c.session(1, 2);
        c.consumer(1, 1, Q, 10);
        c.send(1, Messages.text(Q, "poison", 4, true));
        for (int attempt = 1; attempt <= 10; attempt++) {
            List<DeliverFrame> d = c.takeDeliveries();
            assertEquals(List.of("poison"), texts(d), "attempt " + attempt);
            assertEquals(attempt, d.get(0).deliveryCount());
            c.ok(new RecoverFrame(1, ids(d), new long[0]));
        }
        assertEquals(List.of(), texts(c.takeDeliveries()));
        assertEquals(0, h.broker.findQueue("q").size() + h.broker.findQueue("q").inFlightCount());
        assertEquals(1, h.broker.findQueue("DLQ").size());
        assertEquals(1, h.broker.deadLetteredCount());
        c.consumer(1, 2, WireDestination.queue("DLQ"), 10);
        DeliverFrame dead = c.takeDeliveries().get(0);
        assertEquals("queue:q", dead.message().properties().get("WHARF_ORIG_DESTINATION"));
        assertEquals(10, dead.message().properties().get("WHARF_DELIVERY_ATTEMPTS"));
        assertEquals(1, dead.deliveryCount());
    }

    @Test
    void noLocalSubscriptionSkipsMessagesOfItsOwnConnection() {
        TestClient c = h.client(null);
        TestClient other = h.client(null);
        c.session(1, 1);
        other.session(1, 1);
        c.ok(new CreateConsumerFrame(1, 1, T, null, true, SubscriptionKind.NONE, null, 10));
        c.send(1, Messages.text(T, "mine", 4, false));
        other.send(1, Messages.text(T, "theirs", 4, false));
        assertEquals(List.of("theirs"), texts(c.takeDeliveries()));
    }

    @Test
    void transactedSendsAreInvisibleUntilCommitAndDroppedOnRollback() {
        TestClient tx = h.client(null);
        TestClient rx = h.client(null);
        tx.session(1, 0);
        rx.session(1, 1);
        rx.consumer(1, 1, Q, 10);
        tx.ok(new SendFrame(1, 1, Messages.text(Q, "dropped", 4, true)));
        tx.ok(new RollbackFrame(1, new long[0], new long[0]));
        tx.ok(new SendFrame(1, 1, Messages.text(Q, "kept", 4, true)));
        assertEquals(List.of(), texts(rx.takeDeliveries()));
        tx.ok(new CommitFrame(1, new long[0]));
        assertEquals(List.of("kept"), texts(rx.takeDeliveries()));
    }

    @Test
    void transactedSendsCountAgainstTheirAddressUntilTheTransactionEndsWhicheverWayItEnds() {
        TestClient tx = h.client(null);
        tx.session(1, 0);
        tx.ok(new SendFrame(1, 1, Messages.text(Q, "tx-1", 4, true)));
        long one = h.broker.totalBytes();
        assertTrue(one > 0, "a staged send is not counted");
        assertEquals(one, h.broker.addressBytes(Q));
        // Committed, it also holds a queue's reference and the journal's index of its two records.
        long routed = one + HeapEstimate.REFERENCE + 2 * HeapEstimate.JOURNAL_RECORD;
        tx.ok(new RollbackFrame(1, new long[0], new long[0]));
        assertEquals(0, h.broker.totalBytes(), "rollback");

        tx.ok(new SendFrame(1, 1, Messages.text(Q, "tx-2", 4, true)));
        tx.ok(new SendFrame(1, 1, Messages.text(T, "tx-3", 4, true)));
        assertEquals(2 * one, h.broker.totalBytes());
        tx.ok(new CommitFrame(1, new long[0]));
        assertEquals(routed, h.broker.totalBytes(), "committed: counted once by the queue; the topic has no subscriber");
        assertEquals(1, h.broker.findQueue("q").size());

        tx.ok(new SendFrame(1, 1, Messages.text(Q, "tx-4", 4, false)));
        tx.ok(new CloseSessionFrame(1));
        assertEquals(routed, h.broker.totalBytes(), "the session closed");

        tx.session(2, 0);
        tx.ok(new SendFrame(2, 1, Messages.text(Q, "tx-5", 4, true)));
        tx.connection.transportClosed();
        assertEquals(routed, h.broker.totalBytes(), "the connection closed");
    }

    @Test
    void rollbackReturnsConsumedMessagesInOrderWithRaisedCountAndReleasedOnesUnchanged() {
        TestClient p = h.client(null);
        p.session(1, 1);
        for (int i = 0; i < 4; i++) {
            p.send(1, Messages.text(Q, "m" + i, 4, true));
        }
        TestClient c = h.client(null);
        c.session(1, 0);
        c.consumer(1, 1, Q, 4);
        List<DeliverFrame> d = c.takeDeliveries();
        assertEquals(List.of("m0", "m1", "m2", "m3"), texts(d));
        c.ok(new RollbackFrame(1, new long[] {d.get(0).deliveryId(), d.get(1).deliveryId()},
                new long[] {d.get(2).deliveryId(), d.get(3).deliveryId()}));
        // The client grants credit for the two it consumed; the two released got theirs back.
        c.connection.handle(new Packet(0, new dev.wharf.protocol.frame.CreditFrame(1, 2)));
        List<DeliverFrame> again = c.takeDeliveries();
        assertEquals(List.of("m0", "m1", "m2", "m3"), texts(again));
        assertEquals(List.of(2, 2, 1, 1), again.stream().map(DeliverFrame::deliveryCount).toList());
        c.ok(new CommitFrame(1, ids(again)));
        assertEquals(0, h.broker.findQueue("q").size());
    }

    @Test
    void connectionLossReturnsUnacknowledgedDeliveriesRedelivered() {
        TestClient p = h.client(null);
        p.session(1, 1);
        p.send(1, Messages.text(Q, "m", 4, true));
        TestClient c = h.client(null);
        c.session(1, 2);
        c.consumer(1, 1, Q, 10);
        assertEquals(1, c.takeDeliveries().size());
        c.connection.transportClosed();
        TestClient c2 = h.client(null);
        c2.session(1, 1);
        c2.consumer(1, 1, Q, 10);
        List<DeliverFrame> d = c2.takeDeliveries();
        assertEquals(2, d.get(0).deliveryCount());
    }

    @Test
    void closingASessionReturnsItsUnacknowledgedDeliveries() {
        TestClient c = h.client(null);
        c.session(1, 2);
        c.session(2, 1);
        c.send(2, Messages.text(Q, "m", 4, false));
        c.consumer(1, 1, Q, 10);
        assertEquals(1, c.takeDeliveries().size());
        c.ok(new CloseConsumerFrame(1, new long[0]));
        c.ok(new CloseSessionFrame(1));
        c.consumer(2, 2, Q, 10);
        assertEquals(2, c.takeDeliveries().get(0).deliveryCount());
    }

    @Test
    void secondConsumerOnUnsharedDurableSubscriptionIsIllegalState() {
        TestClient c = h.client("cid");
        c.session(1, 1);
        c.durable(1, 1, T, "d", null);
        assertEquals(ErrorCode.ILLEGAL_STATE,
                c.error(new CreateConsumerFrame(1, 2, T, null, false, SubscriptionKind.DURABLE, "d", 10)));
    }

    @Test
    void durableSubscriptionWithoutClientIdIsIllegalState() {
        TestClient c = h.client(null);
        c.session(1, 1);
        assertEquals(ErrorCode.ILLEGAL_STATE,
                c.error(new CreateConsumerFrame(1, 1, T, null, false, SubscriptionKind.DURABLE, "d", 10)));
    }

    @Test
    void resubscribingWithAnotherSelectorReplacesTheDurableSubscription() {
        TestClient c = h.client("cid");
        c.session(1, 1);
        c.durable(1, 1, T, "d", null);
        c.ok(new CloseConsumerFrame(1, new long[0]));
        c.send(1, Messages.text(T, "old", 4, true));
        c.ok(new CreateConsumerFrame(1, 2, T, "x = 1", false, SubscriptionKind.DURABLE, "d", 10));
        assertEquals(List.of(), texts(c.takeDeliveries()));
        assertEquals("x = 1", h.broker.findSubscription("cid", "d").selectorText());
    }

    @Test
    void sharedSubscriptionSplitsMessagesBetweenItsConsumers() {
        TestClient a = h.client(null);
        TestClient b = h.client(null);
        a.session(1, 1);
        b.session(1, 1);
        a.ok(new CreateConsumerFrame(1, 1, T, null, false, SubscriptionKind.SHARED, "s", 10));
        b.ok(new CreateConsumerFrame(1, 1, T, null, false, SubscriptionKind.SHARED, "s", 10));
        for (int i = 0; i < 4; i++) {
            a.send(1, Messages.text(T, "m" + i, 4, false));
        }
        assertEquals(2, a.takeDeliveries().size());
        assertEquals(2, b.takeDeliveries().size());
    }

    @Test
    void durableAndSharedNonDurableSubscriptionsOfTheSameNameAreSeparate() {
        TestClient c = h.client("cid");
        c.session(1, 1);
        c.durable(1, 1, T, "x", null);
        c.ok(new CreateConsumerFrame(1, 2, T, null, false, SubscriptionKind.SHARED, "x", 10));
        c.send(1, Messages.text(T, "m", 4, false));
        assertEquals(2, c.takeDeliveries().size());
    }

    @Test
    void durableAndSharedDurableSubscriptionMayNotShareAName() {
        TestClient c = h.client("cid");
        c.session(1, 1);
        c.durable(1, 1, T, "x", null);
        assertEquals(ErrorCode.ILLEGAL_STATE,
                c.error(new CreateConsumerFrame(1, 2, T, null, false, SubscriptionKind.SHARED_DURABLE, "x", 10)));
    }

    @Test
    void sharedSubscriptionWithAnotherSelectorWhileActiveIsIllegalState() {
        TestClient c = h.client(null);
        c.session(1, 1);
        c.ok(new CreateConsumerFrame(1, 1, T, null, false, SubscriptionKind.SHARED_DURABLE, "s", 10));
        assertEquals(ErrorCode.ILLEGAL_STATE,
                c.error(new CreateConsumerFrame(1, 2, T, "x = 1", false, SubscriptionKind.SHARED_DURABLE, "s", 10)));
    }

    @Test
    void unsubscribeRules() {
        TestClient c = h.client("cid");
        c.session(1, 1);
        assertEquals(ErrorCode.INVALID_DESTINATION, c.error(new UnsubscribeFrame("none")));
        c.durable(1, 1, T, "d", null);
        assertEquals(ErrorCode.ILLEGAL_STATE, c.error(new UnsubscribeFrame("d")));
        c.ok(new CloseConsumerFrame(1, new long[0]));
        c.ok(new UnsubscribeFrame("d"));
    }

    @Test
    void clientIdMayBeHeldByOneConnectionOnly() {
        h.client("x");
        TestClient other = new TestClient(h.broker);
        other.connect(null);
        assertEquals(ErrorCode.INVALID_CLIENT_ID, other.error(new SetClientIdFrame("x")));
        TestClient third = new TestClient(h.broker);
        assertInstanceOf(ErrorFrame.class, third.request(new ConnectFrame(ConnectFrame.MAGIC, 1, null, null, "x")));
        assertTrue(third.closed);
    }

    @Test
    void temporaryQueueIsOwnedByItsConnectionAndDeletedWithIt() {
        WireDestination tmp = new WireDestination(WireDestination.Kind.TEMP_QUEUE, "temp-queue:c:1");
        TestClient owner = h.client(null);
        TestClient other = h.client(null);
        owner.session(1, 1);
        other.session(1, 1);
        owner.ok(new CreateTempDestinationFrame(tmp));
        other.send(1, Messages.text(tmp, "hi", 4, false));
        assertEquals(ErrorCode.ILLEGAL_STATE,
                other.error(new CreateConsumerFrame(1, 1, tmp, null, false, SubscriptionKind.NONE, null, 10)));
        owner.consumer(1, 1, tmp, 10);
        assertEquals(List.of("hi"), texts(owner.takeDeliveries()));
        assertEquals(ErrorCode.ILLEGAL_STATE, owner.error(new DeleteTempDestinationFrame(tmp)));
        owner.connection.transportClosed();
        assertEquals(ErrorCode.INVALID_DESTINATION, other.error(new SendFrame(1, 1, Messages.text(tmp, "late", 4, false))));
    }

    @Test
    void unknownDestinationWithAutoCreateOffIsInvalidDestination() {
        BrokerHarness strict = new BrokerHarness(new InMemoryJournal(), false, null);
        TestClient c = strict.client(null);
        c.session(1, 1);
        assertEquals(ErrorCode.INVALID_DESTINATION, c.error(new CreateProducerFrame(1, 1, Q)));
        assertEquals(ErrorCode.INVALID_DESTINATION, c.error(new SendFrame(1, 1, Messages.text(Q, "x", 4, false))));
        strict.broker.declareQueue("q");
        c.send(1, Messages.text(Q, "x", 4, false));
    }

    @Test
    void invalidSelectorIsInvalidSelector() {
        TestClient c = h.client(null);
        c.session(1, 1);
        assertEquals(ErrorCode.INVALID_SELECTOR,
                c.error(new CreateConsumerFrame(1, 1, Q, "a = = 'b'", false, SubscriptionKind.NONE, null, 10)));
    }

    @Test
    void browserSeesMessagesInOrderWithoutConsumingThem() {
        TestClient c = h.client(null);
        c.session(1, 1);
        for (int i = 0; i < 3; i++) {
            c.send(1, Messages.text(Q, "m" + i, 4, false));
        }
        c.ok(new CreateBrowserFrame(1, 1, Q, null));
        BrowseBatchFrame b1 = (BrowseBatchFrame) c.request(new BrowseNextFrame(1, 2));
        assertEquals(2, b1.messages().size());
        assertTrue(b1.more());
        BrowseBatchFrame b2 = (BrowseBatchFrame) c.request(new BrowseNextFrame(1, 2));
        assertEquals(1, b2.messages().size());
        assertEquals(false, b2.more());
        assertEquals(3, h.broker.findQueue("q").size());
    }

    @Test
    void wrongPasswordIsRefusedWithSecurityError() {
        UserStore users = new UserStore(Map.of("alice", PasswordHasher.hash("secret", 1000)));
        BrokerHarness secured = new BrokerHarness(new InMemoryJournal(), true, users);
        TestClient bad = new TestClient(secured.broker);
        ErrorFrame e = (ErrorFrame) bad.request(new ConnectFrame(ConnectFrame.MAGIC, 1, "alice", "wrong", null));
        assertEquals(ErrorCode.SECURITY, e.code());
        assertTrue(bad.awaitClosed());
        TestClient good = new TestClient(secured.broker);
        assertEquals("CONNECTED", good.request(new ConnectFrame(ConnectFrame.MAGIC, 1, "alice", "secret", null)).type().name());
    }

    @Test
    void asyncSendFailureIsReportedWithCorrelationZero() {
        BrokerHarness strict = new BrokerHarness(new InMemoryJournal(), false, null);
        TestClient c = strict.client(null);
        c.session(1, 1);
        c.connection.handle(new Packet(0, new SendFrame(1, 1, Messages.text(Q, "x", 4, false))));
        Packet last = c.received.get(c.received.size() - 1);
        assertEquals(0, last.correlationId());
        assertEquals(ErrorCode.INVALID_DESTINATION, ((ErrorFrame) last.frame()).code());
    }

    @Test
    void acknowledgedMessagesAreNotRedelivered() {
        TestClient c = h.client(null);
        c.session(1, 2);
        c.send(1, Messages.text(Q, "m", 4, true));
        c.consumer(1, 1, Q, 10);
        c.ok(new AckFrame(1, ids(c.takeDeliveries())));
        c.ok(new CloseConsumerFrame(1, new long[0]));
        c.ok(new CloseSessionFrame(1));
        c.session(2, 1);
        c.consumer(2, 2, Q, 10);
        assertEquals(List.of(), c.takeDeliveries());
    }

    @Test
    void anAcknowledgementWithoutForceDeletesTheMessageWithoutForcingTheJournal() {
        TestClient c = h.client(null);
        c.session(1, 2);
        c.send(1, Messages.text(Q, "m", 4, true));
        c.consumer(1, 1, Q, 10);
        long forcedBefore = h.journal.durableOperations();
        c.ok(new AckFrame(1, ids(c.takeDeliveries()), false));
        assertEquals(forcedBefore, h.journal.durableOperations());
        assertEquals(0, h.journal.count(StoreRecords.REF));
        assertEquals(0, h.journal.count(StoreRecords.MESSAGE));
    }

    @Test
    void anAnsweredAcknowledgementIsForcedByDefault() {
        TestClient c = h.client(null);
        c.session(1, 2);
        c.send(1, Messages.text(Q, "m", 4, true));
        c.consumer(1, 1, Q, 10);
        long forcedBefore = h.journal.durableOperations();
        c.ok(new AckFrame(1, ids(c.takeDeliveries())));
        assertTrue(h.journal.durableOperations() > forcedBefore, "the acknowledgement's deletes were not forced");
        assertEquals(0, h.journal.count(StoreRecords.REF));
    }
}
