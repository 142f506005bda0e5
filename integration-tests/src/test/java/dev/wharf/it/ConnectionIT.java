package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionIT extends BrokerTestSupport {

    @TempDir
    Path ownData;

    @Test
    void clientIdIsUniqueAcrossConnectionsAndFixedAfterUse() throws Exception {
        String id = unique("cid");
        Connection first = connect();
        assertThrows(IllegalStateException.class, () -> first.setClientID(id), "already used (started)");
        try (Connection a = factory.createConnection(); Connection b = factory.createConnection()) {
            a.setClientID(id);
            assertEquals(id, a.getClientID());
            assertThrows(InvalidClientIDException.class, () -> b.setClientID(id));
        }
        WharfConnectionFactory fixed = new WharfConnectionFactory(broker.url() + "?clientID=" + unique("admin"));
        try (Connection c = fixed.createConnection()) {
            assertThrows(IllegalStateException.class, () -> c.setClientID("other"));
        }
    }

    /**
     * Closing a connection (or a session) whose broker just died, before the client noticed, is
     * a close like any other: the broker forgets what the connection had, so there is nothing
     * left to report. Before, it threw the connection's loss, from try-with-resources too.
     */
    @Test
    void closingAfterTheBrokerDiedBeforeTheClientNoticedDoesNotThrow() throws Exception {
        for (int round = 0; round < 3; round++) {
            int port = ChildBroker.freePort();
            try (ChildBroker child = ChildBroker.start(ownData.resolve("died-" + round), port)) {
                Connection c = new WharfConnectionFactory(child.url()).createConnection();
                Session kept = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Session closedFirst = c.createSession(true, Session.SESSION_TRANSACTED);
                Queue q = kept.createQueue("died");
                kept.createConsumer(q);
                closedFirst.createConsumer(q);
                kept.createProducer(q).send(kept.createTextMessage("before the kill"));
                child.kill();
                closedFirst.close();
                c.close();
            }
        }
    }

    @Test
    void stoppedConnectionDeliversNothingUntilStarted() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("stop"));
        MessageConsumer consumer = s.createConsumer(q);
        c.stop();
        s.createProducer(q).send(s.createTextMessage("held"));
        assertNull(consumer.receive(300));
        c.start();
        assertEquals("held", ((TextMessage) consumer.receive(5000)).getText());
    }

    @Test
    void metadataNamesTheProviderAndJmsVersion() throws Exception {
        var md = connect().getMetaData();
        assertEquals("Wharf", md.getJMSProviderName());
        assertEquals(3, md.getJMSMajorVersion());
        assertEquals(1, md.getJMSMinorVersion());
    }

    @Test
    void exceptionListenerHearsWhenTheBrokerGoesAway() throws Exception {
        EmbeddedBroker own = EmbeddedBroker.builder().dataDirectory(ownData).host("localhost").port(0).build();
        own.start();
        Connection c = new WharfConnectionFactory(own.url()).createConnection();
        CompletableFuture<JMSException> heard = new CompletableFuture<>();
        c.setExceptionListener(heard::complete);
        own.close();
        assertNotNull(heard.get(10, TimeUnit.SECONDS));
        assertThrows(JMSException.class, () -> c.createSession(false, Session.AUTO_ACKNOWLEDGE));
        c.close();
    }

    @Test
    void closedObjectsThrowIllegalState() throws Exception {
        Connection c = factory.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(s.createQueue(unique("closed")));
        s.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.createTextMessage("x"));
        assertEquals("The session is closed", e.getMessage());
        assertThrows(IllegalStateException.class, consumer::receiveNoWait);
        c.close();
        c.close(); // idempotent
        assertThrows(IllegalStateException.class, c::start);
    }

    @Test
    void simplifiedApiSendsAndReceivesBodies() throws Exception {
        try (JMSContext ctx = factory.createContext()) {
            Queue q = ctx.createQueue(unique("ctx"));
            ctx.createProducer().setProperty("n", 7).send(q, "text body");
            ctx.createProducer().send(q, new byte[] {1, 2, 3});
            var consumer = ctx.createConsumer(q);
            var first = consumer.receive(5000);
            assertEquals("text body", first.getBody(String.class));
            assertEquals(7, first.getIntProperty("n"));
            assertTrue(java.util.Arrays.equals(new byte[] {1, 2, 3}, consumer.receiveBody(byte[].class, 5000)));
        }
    }
}
