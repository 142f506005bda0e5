package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.IllegalStateException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

class TransactionIT extends BrokerTestSupport {

    @Test
    void rolledBackSendsNeverArrive() throws Exception {
        Session tx = connect().createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue(unique("txsend"));
        MessageProducer p = tx.createProducer(q);
        p.send(tx.createTextMessage("a"));
        p.send(tx.createTextMessage("b"));
        Session other = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer c = other.createConsumer(q);
        assertNull(c.receive(300), "uncommitted sends must not be visible");
        tx.rollback();
        assertNull(c.receive(300), "rolled-back sends must never arrive");
        p.send(tx.createTextMessage("c"));
        tx.commit();
        assertEquals("c", ((TextMessage) c.receive(5000)).getText());
    }

    @Test
    void rolledBackReceivesLeaveTheQueueAsItWas() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = plain.createQueue(unique("txrecv"));
        MessageProducer p = plain.createProducer(q);
        for (int i = 0; i < 3; i++) {
            p.send(plain.createTextMessage("m" + i));
        }
        Session tx = connect().createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer c = tx.createConsumer(q);
        assertEquals("m0", ((TextMessage) c.receive(5000)).getText());
        assertEquals("m1", ((TextMessage) c.receive(5000)).getText());
        tx.rollback();
        for (int i = 0; i < 3; i++) {
            TextMessage m = (TextMessage) c.receive(5000);
            assertEquals("m" + i, m.getText(), "order kept after rollback");
            assertEquals(i < 2, m.getJMSRedelivered(), "only consumed messages are marked redelivered: " + m.getText());
        }
        tx.commit();
        assertNull(c.receive(300));
    }

    @Test
    void rollbackKeepsQueueOrderWhileDeliveriesAreStillInFlight() throws Exception {
        for (int round = 0; round < 10; round++) {
            Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = plain.createQueue(unique("inflight"));
            MessageProducer p = plain.createProducer(q);
            for (int i = 0; i < 200; i++) {
                p.send(plain.createTextMessage("m" + i));
            }
            Session tx = connect().createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer c = tx.createConsumer(q);
            // Consume two while the broker is still streaming the rest into the prefetch window.
            assertEquals("m0", ((TextMessage) c.receive(5000)).getText());
            assertEquals("m1", ((TextMessage) c.receive(5000)).getText());
            tx.rollback();
            for (int i = 0; i < 200; i++) {
                TextMessage m = (TextMessage) c.receive(5000);
                assertEquals("m" + i, m.getText(), "round " + round + ": order after rollback");
            }
            tx.commit();
            assertNull(c.receive(100), "round " + round + ": duplicate after rollback");
        }
    }

    @Test
    void consumeAndForwardCommitTogether() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("in"));
        Queue out = plain.createQueue(unique("out"));
        plain.createProducer(in).send(plain.createTextMessage("job"));
        Session tx = connect().createSession(true, Session.SESSION_TRANSACTED);
        TextMessage job = (TextMessage) tx.createConsumer(in).receive(5000);
        tx.createProducer(out).send(tx.createTextMessage("done " + job.getText()));
        tx.commit();
        assertEquals("done job", ((TextMessage) plain.createConsumer(out).receive(5000)).getText());
        assertNull(plain.createConsumer(in).receive(300));
    }

    @Test
    void commitOnANonTransactedSessionIsAnIllegalState() throws Exception {
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(IllegalStateException.class, plain::commit);
        assertThrows(IllegalStateException.class, plain::rollback);
        Session tx = connect().createSession(true, Session.SESSION_TRANSACTED);
        assertThrows(IllegalStateException.class, tx::recover);
        assertTrue(tx.getTransacted());
    }
}
