package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory limits count what a message costs the heap, not only its body: for a message of a
 * few bytes the objects around the body are most of it, so a limit that counted bodies alone
 * let a backlog of small messages fill the heap long before the address was full.
 */
class SmallMessageHeapIT {

    private static final String HEAP = "64m";
    /** The most sends the test makes: at 64 MiB of heap the broker must refuse long before. */
    private static final int MAX_SENDS = 150_000;

    @TempDir
    Path dir;

    @Test
    void backlogOfTinyMessagesIsRefusedBeforeItFillsTheHeap() throws Exception {
        // No limit of its own: global.max.size, by default a quarter of the heap, makes it full.
        Flooded f = flood("address.tiny.#.address-full-policy = FAIL", "");
        // A 10-byte message costs the heap several hundred bytes: 16 MiB hold some tens of thousands.
        assertTrue(f.accepted() < 60_000, f.accepted() + " ten-byte messages fit a 16 MiB limit");
        assertTrue(f.accepted() > 5_000, "only " + f.accepted() + " ten-byte messages fit a 16 MiB limit");
    }

    @Test
    void pagedBacklogOfTinyMessagesHoldsProducersBeforeItFillsTheHeap() throws Exception {
        // PAGE, the default: the bodies go to disk but each message's headers stay in memory, so
        // paging holds sends once they fill another global.max.size; this address fails them after 500 ms.
        // The client holds further sends while the broker says the address is full: for 3 s here.
        Flooded f = flood("address.tiny.#.block-timeout-ms = 500", "?requestTimeout=3000");
        assertTrue(f.refused().getMessage().contains("paged messages fill the heap set aside for them"),
                f.refused().getMessage());
        // Twice the 16 MiB limit, less what paging saves of 10-byte bodies.
        assertTrue(f.accepted() < 120_000, f.accepted() + " ten-byte messages fit twice a 16 MiB limit");
        assertTrue(f.accepted() > 10_000, "only " + f.accepted() + " ten-byte messages fit twice a 16 MiB limit");
    }

    /** What a flood of ten-byte messages to {@code tiny.events} left: how many the broker took, and its refusal. */
    private record Flooded(int accepted, Exception refused) {
    }

    /**
     * Sends ten-byte messages to {@code tiny.events} of a broker with a {@link #HEAP} heap and
     * {@code setting} until one is refused, then receives every one it took and checks that the
     * broker did not run out of memory. {@code options}: the connection URL's query.
     */
    private Flooded flood(String setting, String options) throws Exception {
        Path config = dir.resolve("wharf.properties");
        Files.write(config, List.of(setting));
        try (ChildBroker broker = ChildBroker.start(dir.resolve("data"), ChildBroker.freePort(), HEAP,
                "--config", config.toString());
             Connection c = new WharfConnectionFactory(broker.url() + options).createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("tiny.events");
            MessageProducer p = s.createProducer(q);
            Semaphore inFlight = new Semaphore(1000);
            AtomicInteger accepted = new AtomicInteger();
            AtomicReference<Exception> refused = new AtomicReference<>();
            CompletionListener listener = new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    accepted.incrementAndGet();
                    inFlight.release();
                }

                @Override
                public void onException(Message message, Exception exception) {
                    refused.compareAndSet(null, exception);
                    inFlight.release();
                }
            };
            int sent = 0;
            while (refused.get() == null && sent < MAX_SENDS) {
                assertTrue(inFlight.tryAcquire(30, TimeUnit.SECONDS), "the broker stopped answering after "
                        + accepted.get() + " sends:\n" + broker.output());
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(new byte[] {(byte) sent, 1, 2, 3, 4, 5, 6, 7, 8, 9});
                try {
                    p.send(m, listener);
                } catch (ResourceAllocationException e) {
                    // Held by the client: the broker said the address is full, and it stayed so.
                    inFlight.release();
                    refused.compareAndSet(null, e);
                    break;
                }
                sent++;
            }
            assertTrue(inFlight.tryAcquire(1000, 30, TimeUnit.SECONDS), "sends unanswered:\n" + broker.output());
            assertNotNull(refused.get(), "all " + sent + " ten-byte messages were taken by a broker with a "
                    + HEAP + " heap (a quarter of it is the limit)");
            assertInstanceOf(ResourceAllocationException.class, refused.get());

            c.start();
            // Lazy acknowledgements: one forced round trip per message would make this take a minute.
            MessageConsumer consumer = c.createSession(false, Session.DUPS_OK_ACKNOWLEDGE).createConsumer(q);
            for (int i = 0; i < accepted.get(); i++) {
                BytesMessage m = (BytesMessage) consumer.receive(10_000);
                assertNotNull(m, "message " + i + " of " + accepted.get() + " did not arrive");
                assertEquals(10, m.getBodyLength());
            }
            assertNull(consumer.receive(200), "more arrived than were accepted");
            assertFalse(broker.output().contains("OutOfMemoryError"), broker.output());
            return new Flooded(accepted.get(), refused.get());
        }
    }
}
