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
        Path config = dir.resolve("wharf.properties");
        // No limit of its own: global.max.size, by default a quarter of the heap, makes it full.
        Files.write(config, List.of("address.tiny.#.address-full-policy = FAIL"));
        try (ChildBroker broker = ChildBroker.start(dir.resolve("data"), ChildBroker.freePort(), HEAP,
                "--config", config.toString());
             Connection c = new WharfConnectionFactory(broker.url()).createConnection()) {
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
                p.send(m, listener);
                sent++;
            }
            assertTrue(inFlight.tryAcquire(1000, 30, TimeUnit.SECONDS), "sends unanswered:\n" + broker.output());
            assertNotNull(refused.get(), "all " + sent + " ten-byte messages were taken by a broker with a "
                    + HEAP + " heap (a quarter of it is the limit)");
            assertInstanceOf(ResourceAllocationException.class, refused.get());
            // A 10-byte message costs the heap several hundred bytes: 16 MiB hold some tens of thousands.
            assertTrue(accepted.get() < 60_000, accepted.get() + " ten-byte messages fit a 16 MiB limit");
            assertTrue(accepted.get() > 5_000, "only " + accepted.get() + " ten-byte messages fit a 16 MiB limit");

            c.start();
            MessageConsumer consumer = s.createConsumer(q);
            for (int i = 0; i < accepted.get(); i++) {
                BytesMessage m = (BytesMessage) consumer.receive(10_000);
                assertNotNull(m, "message " + i + " of " + accepted.get() + " did not arrive");
                assertEquals(10, m.getBodyLength());
            }
            assertNull(consumer.receive(200), "more arrived than were accepted");
            assertFalse(broker.output().contains("OutOfMemoryError"), broker.output());
        }
    }
}
