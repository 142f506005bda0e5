package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionRolledBackException;
import org.junit.jupiter.api.Test;

/**
 * Sends in a transaction do not wait for the broker one by one; the commit checks them all, and a
 * send the broker refused rolls the whole transaction back.
 */
class TransactedSendIT extends ConfiguredBrokerTestSupport {

    @Override
    EmbeddedBroker.Builder configure(EmbeddedBroker.Builder b) {
        return b.autoCreateDestinations(false).queues("orders", "invoices");
    }

    @Test
    void sendTheBrokerRefusesFailsTheCommitAndRollsBackEverythingElse() throws Exception {
        Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        plain.createProducer(plain.createQueue("orders")).send(plain.createTextMessage("order"));

        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer orders = tx.createConsumer(tx.createQueue("orders"));
        assertNotNull(orders.receive(5000));
        tx.createProducer(tx.createQueue("invoices")).send(tx.createTextMessage("invoice"));
        MessageProducer anonymous = tx.createProducer(null);
        anonymous.send(tx.createQueue("no-such-queue"), tx.createTextMessage("lost?"));

        TransactionRolledBackException e = assertThrows(TransactionRolledBackException.class, tx::commit);
        assertInstanceOf(InvalidDestinationException.class, e.getCause(), "the cause names the refused send");
        assertTrue(e.getMessage().contains("no-such-queue"), e.getMessage());

        assertNull(plain.createConsumer(plain.createQueue("invoices")).receive(300), "the other send was rolled back");
        TextMessage again = (TextMessage) orders.receive(5000);
        assertNotNull(again, "the consumed message comes back");
        assertTrue(again.getJMSRedelivered());
        tx.commit();
    }

    @Test
    void manySendsInOneTransactionAllArriveAtCommit() throws Exception {
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer p = tx.createProducer(tx.createQueue("orders"));
        for (int i = 0; i < 3000; i++) {
            p.send(tx.createTextMessage("m" + i));
        }
        MessageConsumer c = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)
                .createConsumer(tx.createQueue("orders"));
        assertNull(c.receive(200), "nothing before the commit");
        tx.commit();
        for (int i = 0; i < 3000; i++) {
            TextMessage m = (TextMessage) c.receive(5000);
            assertNotNull(m, "message " + i);
            assertEquals("m" + i, m.getText());
        }
    }
}
