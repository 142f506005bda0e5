package dev.wharf.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.server.selector.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueTest {

    private static final WireDestination Q = WireDestination.queue("q");

    private final ManualClock clock = new ManualClock(1_000_000);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<MessageRef> dropped = new ArrayList<>();
    private final Queue queue = new Queue("q", Queue.Kind.QUEUE, true, new QueueContext(clock, scheduler, dropped::add));
    private final RecordingTarget target = new RecordingTarget();
    private long seq;

    private MessageRef ref(WireMessage m) {
        return new MessageRef(new StoredMessage(m, "c1", null), queue, ++seq, false, 1);
    }

    private void send(String text, int priority) {
        queue.add(ref(Messages.text(Q, text, priority, false)));
    }

    private Consumer consumer(long id, int prefetch) {
        return consumer(id, prefetch, Selector.ALL);
    }

    private Consumer consumer(long id, int prefetch, Selector selector) {
        Consumer c = new Consumer(id, "c1", queue, selector, prefetch, target);
        queue.addConsumer(c);
        return c;
    }

    @Test
    void messagesOfOnePriorityAreDeliveredInSendOrder() {
        for (int i = 0; i < 5; i++) {
            send("m" + i, 4);
        }
        consumer(1, 10);
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), target.texts());
    }

    @Test
    void higherPriorityIsDeliveredFirstAndFifoWithinAPriority() {
        send("low1", 1);
        send("high1", 9);
        send("mid", 5);
        send("high2", 9);
        send("low2", 1);
        consumer(1, 10);
        assertEquals(List.of("high1", "high2", "mid", "low1", "low2"), target.texts());
    }

    @Test
    void consumerReceivesOnlyAsManyAsItsCreditThenOneMorePerCredit() {
        for (int i = 0; i < 5; i++) {
            send("m" + i, 4);
        }
        Consumer c = consumer(1, 2);
        assertEquals(List.of("m0", "m1"), target.texts());
        c.addCredit(1);
        assertEquals(List.of("m0", "m1", "m2"), target.texts());
        assertEquals(2, queue.size());
    }

    @Test
    void creditNeverWidensTheWindowBeyondPrefetch() {
        Consumer c = consumer(1, 3);
        c.addCredit(10);
        assertEquals(3, c.credit());
    }

    @Test
    void consumersWithCreditAreServedRoundRobin() {
        consumer(1, 10);
        consumer(2, 10);
        consumer(3, 10);
        for (int i = 0; i < 6; i++) {
            send("m" + i, 4);
        }
        List<Long> ids = target.delivered.stream().map(g -> g.consumer().id()).toList();
        assertEquals(List.of(1L, 2L, 3L, 1L, 2L, 3L), ids);
    }

    @Test
    void consumerWithSelectorGetsOnlyMatchingMessagesAndOthersStayForOtherConsumers() throws Exception {
        Consumer red = consumer(1, 10, SelectorSupport.parse("color = 'red'"));
        queue.add(ref(Messages.text(Q, "blue1", 4, false, Map.of("color", "blue"), 0, 0)));
        queue.add(ref(Messages.text(Q, "red1", 4, false, Map.of("color", "red"), 0, 0)));
        queue.add(ref(Messages.text(Q, "blue2", 4, false, Map.of("color", "blue"), 0, 0)));
        assertEquals(List.of("red1"), target.texts());
        assertEquals(2, queue.size());
        consumer(2, 10);
        assertEquals(List.of("red1", "blue1", "blue2"), target.texts());
        assertEquals(1, red.id());
    }

    @Test
    void delayedMessageIsNotDeliveredBeforeItsDeliveryTime() {
        consumer(1, 10);
        queue.add(ref(Messages.text(Q, "later", 4, false, Map.of(), 0, clock.millis() + 5_000)));
        send("now", 4);
        assertEquals(List.of("now"), target.texts());
        scheduler.advance(4_999);
        assertEquals(List.of("now"), target.texts());
        scheduler.advance(1);
        assertEquals(List.of("now", "later"), target.texts());
    }

    @Test
    void expiredMessagesAreNeverDeliveredAndAreDroppedAndCounted() {
        queue.add(ref(Messages.text(Q, "short", 4, false, Map.of(), clock.millis() + 100, 0)));
        send("keep", 4);
        clock.advance(100);
        consumer(1, 10);
        assertEquals(List.of("keep"), target.texts());
        assertEquals(1, queue.expiredCount());
        assertEquals(1, dropped.size());
        assertEquals(0, queue.size());
    }

    @Test
    void browsingSkipsExpiredAndDelayedMessagesAndConsumesNothing() {
        send("a", 4);
        queue.add(ref(Messages.text(Q, "expired", 4, false, Map.of(), clock.millis() - 1, 0)));
        queue.add(ref(Messages.text(Q, "delayed", 4, false, Map.of(), 0, clock.millis() + 1000)));
        send("b", 4);
        List<MessageRef> page = queue.browse(null, Selector.ALL, 10);
        assertEquals(List.of("a", "b"), page.stream().map(r -> Messages.textOf(r.message().wire())).toList());
        assertEquals(2 + 1, queue.size());
        List<MessageRef> rest = queue.browse(page.get(0), Selector.ALL, 10);
        assertEquals(1, rest.size());
    }

    @Test
    void browsingShowsDeliveredButUnacknowledgedMessagesUntilSettled() {
        send("a", 4);
        send("b", 4);
        consumer(1, 1);
        assertEquals(List.of("a"), target.texts());
        assertEquals(2, queue.browse(null, Selector.ALL, 10).size());
        queue.settled(target.delivered.get(0).ref());
        List<MessageRef> left = queue.browse(null, Selector.ALL, 10);
        assertEquals(List.of("b"), left.stream().map(r -> Messages.textOf(r.message().wire())).toList());
    }

    @Test
    void returnedRefsGoBackAheadOfLaterMessagesInOriginalOrderWithRaisedCount() {
        Consumer c = consumer(1, 2);
        send("m0", 4);
        send("m1", 4);
        send("m2", 4);
        List<MessageRef> got = target.delivered.stream().map(RecordingTarget.Got::ref).toList();
        c.close();
        target.delivered.clear();
        for (MessageRef r : got) {
            r.incrementDeliveryCount();
        }
        queue.addQuietly(List.of(got.get(1), got.get(0)));
        consumer(2, 10);
        assertEquals(List.of("m0", "m1", "m2"), target.texts());
        assertEquals(List.of(2, 2, 1), target.delivered.stream().map(RecordingTarget.Got::deliveryCount).toList());
    }

    @Test
    void pullWithoutPrefetchDeliversOneMessageThenAnswers() {
        Consumer c = consumer(1, 0);
        send("m0", 4);
        send("m1", 4);
        assertTrue(target.delivered.isEmpty());
        c.pull(7, 0, scheduler);
        assertEquals(List.of("m0"), target.texts());
        assertEquals(List.of(7L), target.pullsDone);
    }

    @Test
    void pullOnEmptyQueueWaitsForAMessageUntilItsTimeout() {
        Consumer c = consumer(1, 0);
        c.pull(8, 1000, scheduler);
        assertTrue(target.pullsDone.isEmpty());
        send("m0", 4);
        assertEquals(List.of("m0"), target.texts());
        assertEquals(List.of(8L), target.pullsDone);
        c.pull(9, 1000, scheduler);
        scheduler.advance(1000);
        assertEquals(List.of(8L, 9L), target.pullsDone);
        assertEquals(1, target.delivered.size());
    }

    @Test
    void deletedQueueDropsItsMessages() {
        send("a", 4);
        send("b", 4);
        queue.delete();
        assertEquals(2, dropped.size());
        send("c", 4);
        assertEquals(3, dropped.size());
    }
}
