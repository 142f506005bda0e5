package dev.wharf.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each sample does what its comment says against a real broker. */
@Timeout(60)
class SamplesTest {

    @TempDir
    static Path data;
    static EmbeddedBroker broker;
    static WharfConnectionFactory cf;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).build();
        broker.start();
        cf = new WharfConnectionFactory(broker.url());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void queueSampleReceivesEveryOrderInOrder() {
        assertEquals(List.of("order 1", "order 2", "order 3"), QueueSample.run(cf, "t.orders", 3));
    }

    @Test
    void durableTopicSampleReceivesWhatWasPublishedWhileOffline() {
        assertEquals(List.of("price update 1", "price update 2"), DurableTopicSample.run(cf, "t.prices", "t-watcher", 2));
    }

    @Test
    void transactedForwardSampleForwardsOnceAfterRollback() throws Exception {
        assertEquals("processed payment 42", TransactedForwardSample.run(cf, "t.inbox", "t.outbox"));
    }

    @Test
    void requestReplySampleGetsTheCorrelatedReply() throws Exception {
        assertEquals("HELLO", RequestReplySample.run(cf, "t.uppercase", "hello"));
    }
}
