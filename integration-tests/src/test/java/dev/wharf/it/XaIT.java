package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfXAConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSProducer;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XASession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** XA driven directly, as a transaction manager would: two-phase and one-phase commit, rollback, errors. */
class XaIT extends BrokerTestSupport {

    private static final AtomicInteger IDS = new AtomicInteger();

    record TestXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {
        static TestXid next() {
            int n = IDS.incrementAndGet();
            return new TestXid(0x5748, ("gtrid-" + n + "-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8),
                    ("b" + n).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }
    }

    private WharfXAConnectionFactory xaFactory;
    private XAConnection xaConnection;

    @BeforeEach
    void openXa() throws Exception {
        xaFactory = new WharfXAConnectionFactory(broker.url());
        xaConnection = xaFactory.createXAConnection();
        xaConnection.start();
    }

    @AfterEach
    void closeXa() throws Exception {
        xaConnection.close();
    }

    private static List<String> drain(MessageConsumer c, long timeout) throws Exception {
        List<String> out = new ArrayList<>();
        for (TextMessage m; (m = (TextMessage) c.receive(timeout)) != null; ) {
            out.add(m.getText());
        }
        return out;
    }

    private static int code(Executable e) {
        return assertThrows(XAException.class, e::run).errorCode;
    }

    @FunctionalInterface
    interface Executable {
        void run() throws Exception;
    }

    @Test
    void preparedBranchIsInvisibleUntilCommittedThenSendsAppearAndConsumedMessageIsGone() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("xa.in"));
        Queue out = plain.createQueue(unique("xa.out"));
        plain.createProducer(in).send(plain.createTextMessage("order"));

        XASession xs = xaConnection.createXASession();
        XAResource xr = xs.getXAResource();
        Xid xid = TestXid.next();
        xr.start(xid, XAResource.TMNOFLAGS);
        TextMessage order = (TextMessage) xs.createConsumer(in).receive(5000);
        assertEquals("order", order.getText());
        MessageProducer p = xs.createProducer(out);
        p.send(xs.createTextMessage("invoice"));
        p.send(xs.createTextMessage("shipment"));
        xr.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xr.prepare(xid));

        MessageConsumer outside = plain.createConsumer(out);
        assertNull(outside.receive(300), "prepared sends are not visible");
        assertNull(plain.createConsumer(in).receive(300), "a message consumed in a prepared branch is not redelivered");
        xr.commit(xid, false);
        assertEquals(List.of("invoice", "shipment"), drain(outside, 2000));
        xs.close();
        assertNull(plain.createConsumer(in).receive(300), "the consumed message is gone for good");
    }

    @Test
    void rolledBackPreparedBranchDiscardsItsSendsAndRedeliversWhatItConsumed() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("xa.in"));
        Queue out = plain.createQueue(unique("xa.out"));
        plain.createProducer(in).send(plain.createTextMessage("order"));

        XASession xs = xaConnection.createXASession();
        XAResource xr = xs.getXAResource();
        Xid xid = TestXid.next();
        xr.start(xid, XAResource.TMNOFLAGS);
        assertNotNull(xs.createConsumer(in).receive(5000));
        xs.createProducer(out).send(xs.createTextMessage("invoice"));
        xr.end(xid, XAResource.TMSUCCESS);
        xr.prepare(xid);
        xr.rollback(xid);
        xs.close();

        assertNull(plain.createConsumer(out).receive(300), "a rolled-back send never appears");
        TextMessage again = (TextMessage) plain.createConsumer(in).receive(5000);
        assertNotNull(again, "the consumed message comes back");
        assertTrue(again.getJMSRedelivered());
    }

    /**
     * What the resource adapter relies on for MDBs: a branch started and ended inside onMessage
     * (the container's beforeDelivery/afterDelivery) holds the listener's own message, so a
     * rollback redelivers it and a commit acknowledges it, and nothing else acknowledges it.
     */
    @Test
    void branchInsideOnMessageHoldsTheListenersMessage() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("xa.listener"));
        plain.createProducer(in).send(plain.createTextMessage("job"));

        XASession xs = xaConnection.createXASession();
        XAResource xr = xs.getXAResource();
        List<Boolean> redelivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch committed = new java.util.concurrent.CountDownLatch(1);
        xs.createConsumer(in).setMessageListener(m -> {
            try {
                Xid xid = TestXid.next();
                xr.start(xid, XAResource.TMNOFLAGS);
                redelivered.add(m.getJMSRedelivered());
                xr.end(xid, XAResource.TMSUCCESS);
                if (redelivered.size() == 1) {
                    xr.rollback(xid);
                } else {
                    xr.commit(xid, true);
                    committed.countDown();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(committed.await(10, java.util.concurrent.TimeUnit.SECONDS), "deliveries: " + redelivered);
        assertEquals(List.of(false, true), redelivered);
        xs.close();
        assertNull(plain.createConsumer(in).receive(300), "the committed delivery acknowledged it");
    }

    @Test
    void onePhaseCommitAndReadOnlyPrepare() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue out = plain.createQueue(unique("xa.one"));
        XASession xs = xaConnection.createXASession();
        XAResource xr = xs.getXAResource();

        Xid one = TestXid.next();
        xr.start(one, XAResource.TMNOFLAGS);
        xs.createProducer(out).send(xs.createTextMessage("one-phase"));
        xr.end(one, XAResource.TMSUCCESS);
        xr.commit(one, true);
        assertEquals(List.of("one-phase"), drain(plain.createConsumer(out), 1000));

        Xid idle = TestXid.next();
        xr.start(idle, XAResource.TMNOFLAGS);
        xr.end(idle, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_RDONLY, xr.prepare(idle), "a branch that did nothing is read-only");
        assertEquals(XAException.XAER_NOTA, code(() -> xr.commit(idle, false)), "a read-only branch is finished");
    }

    @Test
    void protocolMistakesGetTheirXaErrorCodes() throws Exception {
        XASession xs = xaConnection.createXASession();
        XAResource xr = xs.getXAResource();
        Xid xid = TestXid.next();
        assertEquals(XAException.XAER_NOTA, code(() -> xr.commit(xid, false)));
        assertEquals(XAException.XAER_NOTA, code(() -> xr.rollback(xid)));
        xr.start(xid, XAResource.TMNOFLAGS);
        assertEquals(XAException.XAER_PROTO, code(() -> xr.start(TestXid.next(), XAResource.TMNOFLAGS)),
                "one branch at a time per session");
        assertEquals(XAException.XAER_PROTO, code(() -> xr.prepare(xid)), "prepare before end");
        XAResource other = xaConnection.createXASession().getXAResource();
        assertEquals(XAException.XAER_DUPID, code(() -> other.start(xid, XAResource.TMNOFLAGS)));
        xr.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAException.XAER_PROTO, code(() -> xr.commit(xid, false)), "two-phase commit needs a prepare");
        assertEquals(XAException.XAER_INVAL, code(() -> xr.start(TestXid.next(), 0x1234)));
        xr.rollback(xid);
        assertThrows(TransactionInProgressException.class, xs::commit);
        assertThrows(TransactionInProgressException.class, xs::rollback);
        assertTrue(xs.getTransacted());
    }

    /**
     * end(TMFAIL) returns normally (the most interoperable choice: transaction managers all
     * handle XA_RB from prepare, not all an exception from end); the branch is rollback-only, so
     * prepare throws XA_RBROLLBACK, nothing it sent appears and what it consumed comes back.
     */
    @Test
    void branchEndedWithTmFailFailsPrepareWithRbRollbackAndGivesItsMessagesBack() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("xa.fail.in"));
        Queue out = plain.createQueue(unique("xa.fail"));
        plain.createProducer(in).send(plain.createTextMessage("order"));
        XASession xs = xaConnection.createXASession();
        XAResource xr = xs.getXAResource();
        Xid xid = TestXid.next();
        xr.start(xid, XAResource.TMNOFLAGS);
        MessageConsumer consumer = xs.createConsumer(in);
        assertNotNull(consumer.receive(5000));
        xs.createProducer(out).send(xs.createTextMessage("doomed"));
        xr.end(xid, XAResource.TMFAIL);
        consumer.close();
        assertEquals(XAException.XA_RBROLLBACK, code(() -> xr.prepare(xid)));
        assertNull(plain.createConsumer(out).receive(300));
        TextMessage again = (TextMessage) plain.createConsumer(in).receive(5000);
        assertNotNull(again, "the consumed message comes back");
        assertTrue(again.getJMSRedelivered());
    }

    /**
     * As an application server does with two pooled connections of one broker (isSameRM): the
     * second session joins the branch with TMJOIN; the branch holds both sessions' work, prepared
     * through one resource and committed through the other.
     */
    @Test
    void branchJoinedFromSecondConnectionCommitsBothSessionsWorkExactlyOnce() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue inA = plain.createQueue(unique("xa.join.a"));
        Queue inB = plain.createQueue(unique("xa.join.b"));
        Queue out = plain.createQueue(unique("xa.join.out"));
        plain.createProducer(inA).send(plain.createTextMessage("order-a"));
        plain.createProducer(inB).send(plain.createTextMessage("order-b"));

        try (XAConnection second = xaFactory.createXAConnection()) {
            second.start();
            XASession xsA = xaConnection.createXASession();
            XASession xsB = second.createXASession();
            XAResource ra = xsA.getXAResource();
            XAResource rb = xsB.getXAResource();
            assertTrue(ra.isSameRM(rb));
            Xid xid = TestXid.next();
            ra.start(xid, XAResource.TMNOFLAGS);
            rb.start(xid, XAResource.TMJOIN);
            MessageConsumer ca = xsA.createConsumer(inA);
            MessageConsumer cb = xsB.createConsumer(inB);
            assertEquals("order-a", ((TextMessage) ca.receive(5000)).getText());
            assertEquals("order-b", ((TextMessage) cb.receive(5000)).getText());
            xsA.createProducer(out).send(xsA.createTextMessage("from-a"));
            xsB.createProducer(out).send(xsB.createTextMessage("from-b"));
            ra.end(xid, XAResource.TMSUCCESS);
            assertEquals(XAException.XAER_PROTO, code(() -> ra.prepare(xid)), "the joined session is still active");
            rb.end(xid, XAResource.TMSUCCESS);
            ca.close();
            cb.close();

            assertEquals(XAResource.XA_OK, ra.prepare(xid));
            MessageConsumer outside = plain.createConsumer(out);
            assertNull(outside.receive(300), "prepared sends are invisible");
            rb.commit(xid, false);
            List<String> got = drain(outside, 1000);
            got.sort(null);
            assertEquals(List.of("from-a", "from-b"), got, "each send exactly once");
            assertEquals(XAException.XAER_NOTA, code(() -> ra.commit(xid, false)), "the branch is finished");
        }
        assertNull(plain.createConsumer(inA).receive(300), "what session A received is gone");
        assertNull(plain.createConsumer(inB).receive(300), "what session B received is gone");
    }

    /** end(TMFAIL) by one of two joined sessions dooms the branch: the other's end and the prepare say so. */
    @Test
    void joinedBranchEndedWithTmFailByOneSessionRollsBackBothSessionsWork() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue inA = plain.createQueue(unique("xa.joinfail.a"));
        Queue inB = plain.createQueue(unique("xa.joinfail.b"));
        Queue out = plain.createQueue(unique("xa.joinfail.out"));
        plain.createProducer(inA).send(plain.createTextMessage("order-a"));
        plain.createProducer(inB).send(plain.createTextMessage("order-b"));

        try (XAConnection second = xaFactory.createXAConnection()) {
            second.start();
            XASession xsA = xaConnection.createXASession();
            XASession xsB = second.createXASession();
            XAResource ra = xsA.getXAResource();
            XAResource rb = xsB.getXAResource();
            Xid xid = TestXid.next();
            ra.start(xid, XAResource.TMNOFLAGS);
            rb.start(xid, XAResource.TMJOIN);
            MessageConsumer ca = xsA.createConsumer(inA);
            MessageConsumer cb = xsB.createConsumer(inB);
            assertNotNull(ca.receive(5000));
            assertNotNull(cb.receive(5000));
            xsA.createProducer(out).send(xsA.createTextMessage("from-a"));
            xsB.createProducer(out).send(xsB.createTextMessage("from-b"));
            rb.end(xid, XAResource.TMSUCCESS);
            ra.end(xid, XAResource.TMFAIL);
            ca.close();
            cb.close();
            assertEquals(XAException.XA_RBROLLBACK, code(() -> rb.prepare(xid)));
        }
        assertNull(plain.createConsumer(out).receive(300), "no send of the failed branch appears");
        TextMessage a = (TextMessage) plain.createConsumer(inA).receive(5000);
        TextMessage b = (TextMessage) plain.createConsumer(inB).receive(5000);
        assertNotNull(a);
        assertNotNull(b);
        assertTrue(a.getJMSRedelivered() && b.getJMSRedelivered());
    }

    /**
     * As GlassFish does when an MDB fails: the transaction is rolled back while the pooled
     * outbound session that joined it was never ended. That session must take part in the next
     * transaction, and what it consumed in the dead one comes back instead of being committed there.
     */
    @Test
    void rollbackUnderAJoinedSessionStillActiveLetsItWorkInTheNextTransaction() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue inA = plain.createQueue(unique("xa.abandon.a"));
        Queue inB = plain.createQueue(unique("xa.abandon.b"));
        Queue out = plain.createQueue(unique("xa.abandon.out"));
        plain.createProducer(inA).send(plain.createTextMessage("order-a"));
        plain.createProducer(inB).send(plain.createTextMessage("order-b"));

        try (XAConnection second = xaFactory.createXAConnection()) {
            second.start();
            XASession inbound = xaConnection.createXASession();
            XASession outbound = second.createXASession();
            XAResource ri = inbound.getXAResource();
            XAResource ro = outbound.getXAResource();
            Xid failed = TestXid.next();
            ri.start(failed, XAResource.TMNOFLAGS);
            assertTrue(ri.isSameRM(ro));
            ro.start(failed, XAResource.TMJOIN);
            MessageConsumer ca = inbound.createConsumer(inA);
            MessageConsumer cb = outbound.createConsumer(inB);
            assertNotNull(ca.receive(5000));
            assertNotNull(cb.receive(5000));
            outbound.createProducer(out).send(outbound.createTextMessage("from-failed"));
            ri.end(failed, XAResource.TMFAIL);
            ri.rollback(failed);
            ca.close();

            Xid next = TestXid.next();
            ro.start(next, XAResource.TMNOFLAGS);
            outbound.createProducer(out).send(outbound.createTextMessage("from-next"));
            ro.end(next, XAResource.TMSUCCESS);
            ro.commit(next, true);
            cb.close();
        }
        assertEquals(List.of("from-next"), drain(plain.createConsumer(out), 500), "only the next transaction's send");
        TextMessage a = (TextMessage) plain.createConsumer(inA).receive(5000);
        TextMessage b = (TextMessage) plain.createConsumer(inB).receive(5000);
        assertNotNull(a, "the inbound message is back");
        assertNotNull(b, "what the outbound session consumed in the rolled-back transaction is back");
        assertTrue(a.getJMSRedelivered() && b.getJMSRedelivered());
    }

    /** A session really still active in a branch may not start another one. */
    @Test
    void startWhileStillActiveInALiveBranchIsRefusedAndTheBranchStillCommits() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("xa.busy.in"));
        Queue out = plain.createQueue(unique("xa.busy.out"));
        plain.createProducer(in).send(plain.createTextMessage("order"));
        XASession xs = xaConnection.createXASession();
        XAResource r = xs.getXAResource();
        Xid xid = TestXid.next();
        r.start(xid, XAResource.TMNOFLAGS);
        MessageConsumer c = xs.createConsumer(in);
        assertNotNull(c.receive(5000));
        xs.createProducer(out).send(xs.createTextMessage("sent"));

        assertEquals(XAException.XAER_PROTO, code(() -> r.start(TestXid.next(), XAResource.TMNOFLAGS)));
        r.end(xid, XAResource.TMSUCCESS);
        r.commit(xid, true);
        c.close();
        assertEquals(List.of("sent"), drain(plain.createConsumer(out), 500));
        assertNull(plain.createConsumer(in).receive(300), "the consumed message was committed with the branch");
    }

    /** Suspend and resume on one session; ending the suspended association with TMSUCCESS is allowed. */
    @Test
    void suspendedBranchResumesAndEndsFromItsSuspendedState() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue out = plain.createQueue(unique("xa.suspend"));
        XASession xs = xaConnection.createXASession();
        XAResource xr = xs.getXAResource();
        Xid xid = TestXid.next();
        xr.start(xid, XAResource.TMNOFLAGS);
        xs.createProducer(out).send(xs.createTextMessage("one"));
        xr.end(xid, XAResource.TMSUSPEND);
        assertEquals(XAException.XAER_PROTO, code(() -> xr.prepare(xid)), "a suspended association still counts");
        xr.start(xid, XAResource.TMRESUME);
        xs.createProducer(out).send(xs.createTextMessage("two"));
        xr.end(xid, XAResource.TMSUSPEND);
        xr.end(xid, XAResource.TMSUCCESS);
        xr.commit(xid, true);
        assertEquals(List.of("one", "two"), drain(plain.createConsumer(out), 1000));
    }

    @Test
    void branchNotPreparedWithinItsTimeoutRollsBack() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue out = plain.createQueue(unique("xa.timeout"));
        XASession xs = xaConnection.createXASession();
        XAResource xr = xs.getXAResource();
        assertTrue(xr.setTransactionTimeout(1));
        assertEquals(1, xr.getTransactionTimeout());
        Xid xid = TestXid.next();
        xr.start(xid, XAResource.TMNOFLAGS);
        xs.createProducer(out).send(xs.createTextMessage("late"));
        Thread.sleep(1500);
        assertEquals(XAException.XA_RBTIMEOUT, code(() -> xr.end(xid, XAResource.TMSUCCESS)));
        assertNull(plain.createConsumer(out).receive(300));
    }

    @Test
    void xaSessionOutsideABranchCommitsEachSendAndReceive() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = plain.createQueue(unique("xa.local"));
        XASession xs = xaConnection.createXASession();
        xs.createProducer(q).send(xs.createTextMessage("now"));
        MessageConsumer c = xs.createConsumer(q);
        assertEquals("now", ((TextMessage) c.receive(5000)).getText());
        c.close();
        xs.close();
        assertNull(plain.createConsumer(q).receive(300), "the receive was committed");
    }

    @Test
    void resourcesOfTheSameBrokerAreTheSameResourceManager() throws Exception {
        XAResource a = xaConnection.createXASession().getXAResource();
        try (XAConnection second = xaFactory.createXAConnection()) {
            XAResource b = second.createXASession().getXAResource();
            assertTrue(a.isSameRM(b));
        }
        assertFalse(a.isSameRM(null));
    }

    @Test
    void xaContextSendsInsideABranch() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = plain.createQueue(unique("xa.context"));
        MessageConsumer outside = plain.createConsumer(q);
        try (XAJMSContext ctx = xaFactory.createXAContext()) {
            XAResource xr = ctx.getXAResource();
            assertTrue(ctx.getTransacted());
            Xid xid = TestXid.next();
            xr.start(xid, XAResource.TMNOFLAGS);
            JMSProducer p = ctx.getContext().createProducer();
            p.send(q, "from a context");
            xr.end(xid, XAResource.TMSUCCESS);
            assertNull(outside.receive(200));
            assertEquals(XAResource.XA_OK, xr.prepare(xid));
            xr.commit(xid, false);
            assertThrows(TransactionInProgressRuntimeException.class, ctx::commit);
        }
        assertEquals(List.of("from a context"), drain(outside, 1000));
    }

    @Test
    void recoverListsPreparedBranchesToAnyResourceOfTheBroker() throws Exception {
        XASession xs = xaConnection.createXASession();
        XAResource xr = xs.getXAResource();
        Queue q = xs.createQueue(unique("xa.recover"));
        Xid xid = TestXid.next();
        xr.start(xid, XAResource.TMNOFLAGS);
        xs.createProducer(q).send(xs.createTextMessage("in doubt"));
        xr.end(xid, XAResource.TMSUCCESS);
        xr.prepare(xid);

        try (XAConnection other = xaFactory.createXAConnection()) {
            XAResource tm = other.createXASession().getXAResource();
            Xid[] found = tm.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            Xid mine = null;
            for (Xid x : found) {
                if (java.util.Arrays.equals(x.getGlobalTransactionId(), xid.getGlobalTransactionId())) {
                    mine = x;
                }
            }
            assertNotNull(mine, "recover() must list the prepared branch");
            assertArrayEquals(xid.getBranchQualifier(), mine.getBranchQualifier());
            assertEquals(xid.getFormatId(), mine.getFormatId());
            tm.commit(mine, false);
        }
        Connection c = connect();
        assertEquals(List.of("in doubt"), drain(c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q), 1000));
    }
}
