package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.AddressSettings;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A consumer that holds messages without acknowledging them is reported, or cut off. */
class SlowConsumerIT extends ConfiguredBrokerTestSupport {

    private Connection slow;
    private Connection fast;

    @Override
    EmbeddedBroker.Builder configure(EmbeddedBroker.Builder b) {
        return b.addressSettings("watched.#", AddressSettings.UNSET.withSlowConsumerThresholdMillis(300))
                .addressSettings("watched.kill", AddressSettings.UNSET
                        .withSlowConsumerPolicy(AddressSettings.SlowConsumerPolicy.KILL));
    }

    @BeforeEach
    void connect() throws Exception {
        slow = factory.createConnection();
        slow.start();
        fast = connection;
    }

    @AfterEach
    void closeSlow() throws Exception {
        slow.close();
    }

    @Test
    void consumerHoldingAMessageUnacknowledgedIsReportedOnceAndOthersKeepReceiving() throws Exception {
        Session s = slow.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue("watched.log");
        MessageConsumer lazy = s.createConsumer(q);
        Session fs = fast.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = fs.createProducer(q);
        p.send(fs.createTextMessage("held"));
        TextMessage held = (TextMessage) lazy.receive(5000);
        assertNotNull(held);
        MessageConsumer busy = fs.createConsumer(q);
        for (int i = 0; i < 20; i++) {
            p.send(fs.createTextMessage("m" + i));
        }
        for (int i = 0; i < 10; i++) {
            assertNotNull(busy.receive(5000), "the other consumer must not be stalled (message " + i + ")");
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (broker.slowConsumerCount() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, broker.slowConsumerCount(), "the lazy consumer is reported");
        Thread.sleep(1500);
        assertEquals(1, broker.slowConsumerCount(), "and only once while it stays slow");
        held.acknowledge();
    }

    @Test
    void killPolicyClosesTheSlowConsumersConnectionAndItsMessageGoesToAnother() throws Exception {
        CompletableFuture<JMSException> told = new CompletableFuture<>();
        slow.setExceptionListener(told::complete);
        Session s = slow.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue("watched.kill");
        MessageConsumer lazy = s.createConsumer(q);
        Session fs = fast.createSession(false, Session.AUTO_ACKNOWLEDGE);
        fs.createProducer(q).send(fs.createTextMessage("order 1"));
        assertNotNull(lazy.receive(5000));

        JMSException e = told.get(10, TimeUnit.SECONDS);
        assertNotNull(e, "the slow consumer's application is told");
        TextMessage again = (TextMessage) fs.createConsumer(q).receive(5000);
        assertNotNull(again, "the message the slow consumer held goes to another consumer");
        assertEquals("order 1", again.getText());
        assertTrue(again.getJMSRedelivered());
    }
}
