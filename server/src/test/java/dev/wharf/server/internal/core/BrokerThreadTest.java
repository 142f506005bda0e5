package dev.wharf.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BrokerThreadTest {

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final BrokerThread thread = new BrokerThread(loop);
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        thread.close();
    }

    @Test
    void aFrameDecodedOnTheBrokerLoopIsHandledThereAndThen() throws Exception {
        // What the event loop does with a frame it has just decoded.
        loop.submit(() -> {
            events.add("decoded");
            thread.runNowOrLater(() -> events.add("handled on " + (thread.inBrokerThread() ? "broker" : "other")));
            events.add("next frame");
        }).get(5, TimeUnit.SECONDS);

        assertEquals(List.of("decoded", "handled on broker", "next frame"), events);
    }

    @Test
    void aTaskHandedOverInsideABrokerTaskWaitsForThatTaskToEnd() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        thread.execute(() -> {
            thread.runNowOrLater(() -> {
                events.add("inner");
                done.countDown();
            });
            events.add("outer ends");
        });

        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("outer ends", "inner"), events);
    }

    @Test
    void aTaskHandedOverFromAnotherThreadRunsOnTheBrokerThread() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        thread.runNowOrLater(() -> {
            events.add(thread.inBrokerThread() ? "broker" : "caller");
            done.countDown();
        });

        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("broker"), events);
    }

    @Test
    void closingTheBrokerThreadStopsTheLoopItWasGiven() {
        thread.close();

        assertTrue(loop.isShutdown());
    }
}
