package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.wharf.jms.WharfXAConnectionFactory;
import dev.wharf.protocol.WharfProperties;
import dev.wharf.server.AddressSettings;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Large messages moved to dead-letter and expiry queues, across restarts, and in XA branches. */
@Timeout(120)
class LargeMessageMovesIT extends ConfiguredBrokerTestSupport {

    private static final int SIZE = 2 * 1024 * 1024 + 1;

    @Override
    EmbeddedBroker.Builder configure(EmbeddedBroker.Builder b) {
        return b.addressSettings("big.orders", AddressSettings.UNSET.withMaxDeliveryAttempts(2).withDeadLetterAddress("big.dlq"))
                .addressSettings("big.stale", AddressSettings.UNSET.withExpiryAddress("big.expired"));
    }

    private static BytesMessage bytes(Session s, long seed, int length) throws JMSException {
        BytesMessage m = s.createBytesMessage();
        m.setObjectProperty("JMS_WHARF_InputStream", LargeBodies.stream(seed, length));
        return m;
    }

    private static long crc(BytesMessage m) throws JMSException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[50_000];
        for (int n; (n = m.readBytes(buf)) > 0; ) {
            crc.update(buf, 0, n);
        }
        return crc.getValue();
    }

    private long files() throws IOException {
        Path dir = data.resolve("large");
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private void awaitFiles(long n) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (files() != n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(n, files(), "large message files on the broker");
    }

    @Test
    void largeMessageDeadLetteredAfterRollbacksKeepsItsBodyAcrossARestart() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createProducer(s.createQueue("big.orders")).send(bytes(s, 1, SIZE));
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer c = tx.createConsumer(tx.createQueue("big.orders"));
        for (int i = 0; i < 2; i++) {
            assertNotNull(c.receive(10_000));
            tx.rollback();
        }
        assertNull(c.receive(300));
        tx.close();
        awaitFiles(1);
        restartBroker();
        Session s2 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        BytesMessage dead = (BytesMessage) s2.createConsumer(s2.createQueue("big.dlq")).receive(10_000);
        assertNotNull(dead, "the dead-lettered large message is gone");
        assertEquals(2, dead.getIntProperty(WharfProperties.DELIVERY_ATTEMPTS));
        assertEquals(SIZE, dead.getBodyLength());
        assertEquals(LargeBodies.crc(1, SIZE), crc(dead));
        awaitFiles(0);
    }

    @Test
    void expiredLargeMessageMovesToItsExpiryQueueIntact() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue("big.stale"));
        // Long enough that the message does not expire on its way in (the broker drops those) on a busy machine.
        p.setTimeToLive(3000);
        p.send(bytes(s, 2, SIZE));
        Thread.sleep(3500);
        assertNull(s.createConsumer(s.createQueue("big.stale")).receive(500));
        BytesMessage moved = (BytesMessage) s.createConsumer(s.createQueue("big.expired")).receive(10_000);
        assertNotNull(moved);
        assertEquals(LargeBodies.crc(2, SIZE), crc(moved));
        awaitFiles(0);
    }

    @Test
    void largeSendInAPreparedXaBranchSurvivesARestartAndCommits() throws Exception {
        Xid xid = new XaIT.TestXid(0x5748, "large-gtrid".getBytes(), "b".getBytes());
        WharfXAConnectionFactory xf = new WharfXAConnectionFactory(broker.url());
        XAConnection xc = xf.createXAConnection();
        XASession xs = xc.createXASession();
        XAResource xr = xs.getXAResource();
        xr.start(xid, XAResource.TMNOFLAGS);
        xs.createProducer(xs.createQueue("big.xa")).send(bytes(xs, 3, SIZE));
        xr.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xr.prepare(xid));
        xc.close();
        restartBroker();
        xc = new WharfXAConnectionFactory(broker.url()).createXAConnection();
        xr = xc.createXASession().getXAResource();
        Xid[] inDoubt = xr.recover(XAResource.TMSTARTRSCAN);
        assertEquals(1, inDoubt.length);
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer c = s.createConsumer(s.createQueue("big.xa"));
        assertNull(c.receive(300), "a prepared send is not visible");
        xr.commit(inDoubt[0], false);
        BytesMessage m = (BytesMessage) c.receive(10_000);
        assertNotNull(m);
        assertEquals(LargeBodies.crc(3, SIZE), crc(m));
        xc.close();
        awaitFiles(0);
    }

    @Test
    void rolledBackXaBranchLeavesNoLargeFile() throws Exception {
        Xid xid = new XaIT.TestXid(0x5748, "large-rb".getBytes(), "b".getBytes());
        XAConnection xc = new WharfXAConnectionFactory(broker.url()).createXAConnection();
        XASession xs = xc.createXASession();
        XAResource xr = xs.getXAResource();
        xr.start(xid, XAResource.TMNOFLAGS);
        Queue q = xs.createQueue("big.xa.rb");
        xs.createProducer(q).send(bytes(xs, 4, SIZE));
        xr.end(xid, XAResource.TMSUCCESS);
        xr.prepare(xid);
        xr.rollback(xid);
        xc.close();
        awaitFiles(0);
    }
}
