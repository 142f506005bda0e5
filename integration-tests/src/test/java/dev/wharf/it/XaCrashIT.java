package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfXAConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Prepared XA branches survive kill -9 of the broker and are resolved by recovery, exactly once. */
@Timeout(180)
class XaCrashIT {

    @TempDir
    Path data;

    private static Xid prepareBranch(XAConnection c, String consumeFrom, String sendTo, String text) throws Exception {
        XASession xs = c.createXASession();
        XAResource xr = xs.getXAResource();
        Xid xid = XaIT.TestXid.next();
        xr.start(xid, XAResource.TMNOFLAGS);
        TextMessage in = (TextMessage) xs.createConsumer(xs.createQueue(consumeFrom)).receive(5000);
        assertNotNull(in, "input of " + text);
        MessageProducer p = xs.createProducer(xs.createQueue(sendTo));
        p.send(xs.createTextMessage(text + " 1"));
        p.send(xs.createTextMessage(text + " 2"));
        xr.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xr.prepare(xid));
        return xid;
    }

    private static List<String> drain(MessageConsumer c, long timeout) throws Exception {
        List<String> out = new ArrayList<>();
        for (TextMessage m; (m = (TextMessage) c.receive(timeout)) != null; ) {
            out.add(m.getText());
        }
        return out;
    }

    private static Xid find(Xid[] xids, Xid wanted) {
        for (Xid x : xids) {
            if (x.getFormatId() == wanted.getFormatId()
                    && Arrays.equals(x.getGlobalTransactionId(), wanted.getGlobalTransactionId())
                    && Arrays.equals(x.getBranchQualifier(), wanted.getBranchQualifier())) {
                return x;
            }
        }
        return null;
    }

    @Test
    void preparedBranchesSurviveKillNineAndRecoveryCommitsOneExactlyOnceAndRollsBackTheOther() throws Exception {
        int port = ChildBroker.freePort();
        Xid toCommit;
        Xid toRollBack;
        try (ChildBroker broker = ChildBroker.start(data, port)) {
            WharfXAConnectionFactory cf = new WharfXAConnectionFactory(broker.url());
            try (Connection plain = cf.createConnection()) {
                Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createProducer(s.createQueue("orders.a")).send(s.createTextMessage("order a"));
                s.createProducer(s.createQueue("orders.b")).send(s.createTextMessage("order b"));
            }
            XAConnection xc = cf.createXAConnection();
            xc.start();
            toCommit = prepareBranch(xc, "orders.a", "invoices", "invoice a");
            toRollBack = prepareBranch(xc, "orders.b", "invoices", "invoice b");
            broker.kill();
        }

        try (ChildBroker broker = ChildBroker.start(data, port)) {
            WharfXAConnectionFactory cf = new WharfXAConnectionFactory(broker.url());
            try (Connection plain = cf.createConnection(); XAConnection xc = cf.createXAConnection()) {
                plain.start();
                Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer invoices = s.createConsumer(s.createQueue("invoices"));
                assertNull(invoices.receive(300), "in-doubt sends stay invisible after the restart");
                MessageConsumer ordersA = s.createConsumer(s.createQueue("orders.a"));
                MessageConsumer ordersB = s.createConsumer(s.createQueue("orders.b"));
                assertNull(ordersA.receive(300), "an in-doubt acknowledgement holds its message");
                assertNull(ordersB.receive(300), "an in-doubt acknowledgement holds its message");

                XAResource tm = xc.createXASession().getXAResource();
                Xid[] inDoubt = tm.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
                Xid c = find(inDoubt, toCommit);
                Xid r = find(inDoubt, toRollBack);
                assertNotNull(c, "recover() lists the branch to commit");
                assertNotNull(r, "recover() lists the branch to roll back");
                tm.commit(c, false);
                tm.rollback(r);
                assertEquals(0, tm.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length, "nothing left in doubt");

                assertEquals(List.of("invoice a 1", "invoice a 2"), drain(invoices, 1000),
                        "the committed branch's sends appear once; the rolled-back one's never");
                assertNull(ordersA.receive(300), "the committed branch consumed order a for good");
                TextMessage b = (TextMessage) ordersB.receive(5000);
                assertNotNull(b, "the rolled-back branch gives order b back");
                assertEquals("order b", b.getText());
                assertTrue(b.getJMSRedelivered());
            }
        }
        try (ChildBroker broker = ChildBroker.start(data, port)) {
            WharfXAConnectionFactory cf = new WharfXAConnectionFactory(broker.url());
            try (Connection plain = cf.createConnection(); XAConnection xc = cf.createXAConnection()) {
                plain.start();
                Session s = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
                assertEquals(List.of(), drain(s.createConsumer(s.createQueue("invoices")), 300), "resolution is durable");
                assertEquals(0, xc.createXASession().getXAResource()
                        .recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);
            }
        }
    }
}
