package dev.wharf.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionInProgressException;
import jakarta.resource.spi.LocalTransaction;
import java.nio.file.Path;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The outbound contracts against an in-process broker, with a minimal pool standing in for the container. */
@Timeout(60)
class OutboundTest {

    @TempDir
    static Path dataDir;
    static EmbeddedBroker broker;
    private TestPool pool;
    private WharfManagedConnectionFactory mcf;
    private WharfPooledConnectionFactory factory;
    private Connection plain;
    private static int names;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.builder().dataDirectory(dataDir).host("localhost").port(0).build();
        broker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        pool = new TestPool();
        mcf = new WharfManagedConnectionFactory();
        mcf.setUrl(broker.url());
        factory = (WharfPooledConnectionFactory) mcf.createConnectionFactory(pool);
        plain = new WharfConnectionFactory(broker.url()).createConnection();
        plain.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        plain.close();
        pool.destroyAll();
    }

    private static String unique(String base) {
        return base + "." + (++names);
    }

    private String receiveText(String queue, long millis) throws Exception {
        Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try (MessageConsumer c = s.createConsumer(s.createQueue(queue))) {
            Message m = c.receive(millis);
            return m == null ? null : ((TextMessage) m).getText();
        } finally {
            s.close();
        }
    }

    @Test
    void closedHandleReturnsItsConnectionToThePoolAndTheNextOneReusesIt() throws Exception {
        Connection first = factory.createConnection();
        Session s = first.createSession();
        MessageProducer p = s.createProducer(s.createQueue(unique("pool")));
        first.close();
        assertEquals(1, pool.free.size());
        assertThrows(IllegalStateException.class, () -> s.createTextMessage("x"), "session of a closed handle");
        assertThrows(jakarta.jms.JMSException.class, () -> p.send(s.createTextMessage("x")), "producer of a closed handle");
        assertThrows(IllegalStateException.class, first::createSession);

        Connection second = factory.createConnection();
        assertEquals(1, pool.created.size(), "the pooled connection is reused");
        assertEquals(0, pool.free.size());
        second.close();
        assertEquals(0, ((WharfManagedConnection) pool.created.get(0)).openHandles());
    }

    @Test
    void handleOutsideTransactionSendsAtOnce() throws Exception {
        String q = unique("auto");
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue(q)).send(s.createTextMessage("hello"));
        }
        assertEquals("hello", receiveText(q, 5000));
    }

    @Test
    void sendsInXaBranchArriveOnlyWhenCommitted() throws Exception {
        String q = unique("xa");
        Connection c = factory.createConnection();
        WharfManagedConnection mc = (WharfManagedConnection) pool.created.get(0);
        XAResource xa = mc.getXAResource();

        TestXid rolledBack = TestXid.next();
        xa.start(rolledBack, XAResource.TMNOFLAGS);
        // JMS 2.0: in a JTA transaction the arguments are ignored.
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createProducer(s.createQueue(q)).send(s.createTextMessage("never"));
        assertThrows(TransactionInProgressException.class, s::commit);
        xa.end(rolledBack, XAResource.TMSUCCESS);
        xa.rollback(rolledBack);
        s.close();

        TestXid committed = TestXid.next();
        xa.start(committed, XAResource.TMNOFLAGS);
        Session s2 = c.createSession(true, Session.SESSION_TRANSACTED);
        s2.createProducer(s2.createQueue(q)).send(s2.createTextMessage("once"));
        xa.end(committed, XAResource.TMSUCCESS);
        assertNull(receiveText(q, 300), "nothing before the commit");
        assertEquals(XAResource.XA_OK, xa.prepare(committed));
        xa.commit(committed, false);
        c.close();

        assertEquals("once", receiveText(q, 5000));
        assertNull(receiveText(q, 300));
    }

    @Test
    void localTransactionCommitsAndRollsBack() throws Exception {
        String q = unique("local");
        Connection c = factory.createConnection();
        WharfManagedConnection mc = (WharfManagedConnection) pool.created.get(0);
        LocalTransaction tx = mc.getLocalTransaction();

        tx.begin();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createProducer(s.createQueue(q)).send(s.createTextMessage("rolled back"));
        tx.rollback();
        s.close();

        tx.begin();
        Session s2 = c.createSession();
        s2.createProducer(s2.createQueue(q)).send(s2.createTextMessage("committed"));
        assertThrows(TransactionInProgressException.class, s2::rollback);
        assertNull(receiveText(q, 300));
        tx.commit();
        c.close();

        assertEquals("committed", receiveText(q, 5000));
        assertNull(receiveText(q, 300));
    }

    @Test
    void transactedSessionOutsideContainerTransactionIsTheApplicationsOwn() throws Exception {
        String q = unique("own");
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue(q)).send(s.createTextMessage("mine"));
            assertNull(receiveText(q, 300));
            s.commit();
        }
        assertEquals("mine", receiveText(q, 5000));
    }

    @Test
    void jmsContextFromTheFactoryUsesAPooledConnection() throws Exception {
        String q = unique("ctx");
        try (JMSContext ctx = factory.createContext()) {
            ctx.createProducer().send(ctx.createQueue(q), "from a context");
        }
        assertEquals(1, pool.created.size());
        assertEquals(1, pool.free.size(), "closing the context returned the connection");
        assertEquals("from a context", receiveText(q, 5000));
    }

    @Test
    void containerForbiddenMethodsThrow() throws Exception {
        try (Connection c = factory.createConnection()) {
            assertThrows(IllegalStateException.class, () -> c.setClientID("x"));
            assertThrows(IllegalStateException.class, () -> c.setExceptionListener(e -> { }));
            assertThrows(IllegalStateException.class, c::stop);
            Session s = c.createSession();
            assertThrows(IllegalStateException.class, () -> s.setMessageListener(m -> { }));
            assertNotNull(c.getMetaData().getJMSProviderName());
        }
    }

    @Test
    void connectionsForOtherCredentialsAreNotShared() throws Exception {
        Connection a = factory.createConnection();
        a.close();
        WharfManagedConnection first = (WharfManagedConnection) pool.created.get(0);
        assertSame(first, mcf.matchManagedConnections(java.util.Set.of(first), null, null));
        assertNull(mcf.matchManagedConnections(java.util.Set.of(first), null, new WharfConnectionRequestInfo("other", "pw")));
    }

    @Test
    void unpooledFactoryWorksOutsideAContainer() throws Exception {
        String q = unique("unpooled");
        Object f = mcf.createConnectionFactory();
        assertInstanceOf(WharfPooledConnectionFactory.class, f);
        try (Connection c = ((WharfPooledConnectionFactory) f).createConnection()) {
            Session s = c.createSession();
            s.createProducer(s.createQueue(q)).send(s.createTextMessage("plain"));
        }
        assertEquals("plain", receiveText(q, 5000));
        assertTrue(pool.created.isEmpty());
    }
}
