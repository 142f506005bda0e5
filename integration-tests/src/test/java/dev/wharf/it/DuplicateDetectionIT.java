package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.WharfProperties;
import dev.wharf.server.AddressSettings;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionRolledBackException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Producers that set WHARF_DUPLICATE_ID get each message in at most once per address. */
@Timeout(120)
class DuplicateDetectionIT extends ConfiguredBrokerTestSupport {

    @Override
    EmbeddedBroker.Builder configure(EmbeddedBroker.Builder b) {
        return b.addressSettings("small.#", AddressSettings.UNSET.withIdCacheSize(3))
                .addressSettings("off.#", AddressSettings.UNSET.withIdCacheSize(0));
    }

    private static void send(Session s, MessageProducer p, String text, String duplicateId) throws Exception {
        TextMessage m = s.createTextMessage(text);
        m.setStringProperty(WharfProperties.DUPLICATE_ID, duplicateId);
        p.send(m);
    }

    private static List<String> drain(MessageConsumer c) throws Exception {
        List<String> out = new ArrayList<>();
        for (TextMessage m; (m = (TextMessage) c.receive(500)) != null; ) {
            out.add(m.getText());
        }
        return out;
    }

    @Test
    void sameDuplicateIdSentAThousandTimesYieldsOneMessageAlsoAcrossARestart() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("orders");
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 1000; i++) {
            send(s, p, "order-1 try " + i, "order-1");
        }
        assertEquals(999, broker.duplicatesDroppedCount());

        restartBroker();
        s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        p = s.createProducer(q);
        for (int i = 0; i < 10; i++) {
            send(s, p, "order-1 after restart " + i, "order-1");
        }
        send(s, p, "order-2", "order-2");
        assertEquals(List.of("order-1 try 0", "order-2"), drain(s.createConsumer(q)));
    }

    @Test
    void theSameIdOnAnotherAddressIsNotADuplicate() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue a = s.createQueue("orders.a");
        Queue b = s.createQueue("orders.b");
        send(s, s.createProducer(a), "to a", "id-1");
        send(s, s.createProducer(b), "to b", "id-1");
        assertEquals(List.of("to a"), drain(s.createConsumer(a)));
        assertEquals(List.of("to b"), drain(s.createConsumer(b)));
    }

    @Test
    void duplicateInsideATransactionFailsTheCommitAndSendsNothingOfIt() throws Exception {
        Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = plain.createQueue("payments");
        send(plain, plain.createProducer(q), "payment-1", "pay-1");

        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer p = tx.createProducer(q);
        send(tx, p, "payment-2", "pay-2");
        send(tx, p, "payment-1 again", "pay-1");
        TransactionRolledBackException e = assertThrows(TransactionRolledBackException.class, tx::commit);
        assertTrue(e.getMessage().contains("pay-1"), e.getMessage());

        send(tx, p, "payment-2", "pay-2");
        tx.commit();
        assertEquals(List.of("payment-1", "payment-2"), drain(plain.createConsumer(q)),
                "the failed transaction's other message may be sent again");
    }

    @Test
    void sameIdTwiceInOneTransactionFailsTheCommit() throws Exception {
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue("refunds");
        MessageProducer p = tx.createProducer(q);
        send(tx, p, "refund", "r-1");
        send(tx, p, "refund", "r-1");
        assertThrows(TransactionRolledBackException.class, tx::commit);
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertNull(s.createConsumer(q).receive(300));
    }

    @Test
    void anIdOlderThanTheCacheSizeIsAcceptedAgainAlsoAfterARestart() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("small.q");
        MessageProducer p = s.createProducer(q);
        for (String id : List.of("a", "b", "c", "d")) {
            send(s, p, id, id);
        }
        restartBroker();
        s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        p = s.createProducer(q);
        send(s, p, "a again", "a");
        send(s, p, "d again", "d");
        assertEquals(List.of("a", "b", "c", "d", "a again"), drain(s.createConsumer(q)));
    }

    @Test
    void addressWithCacheSizeZeroKeepsEveryMessage() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("off.q");
        MessageProducer p = s.createProducer(q);
        send(s, p, "one", "x");
        send(s, p, "two", "x");
        assertEquals(List.of("one", "two"), drain(s.createConsumer(q)));
    }

    @Test
    void nonPersistentDuplicatesAreDroppedToo() throws Exception {
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue("quotes");
        MessageProducer p = s.createProducer(q);
        p.setDeliveryMode(jakarta.jms.DeliveryMode.NON_PERSISTENT);
        send(s, p, "q1", "quote-1");
        send(s, p, "q1 again", "quote-1");
        MessageConsumer c = s.createConsumer(q);
        TextMessage m = (TextMessage) c.receive(5000);
        assertNotNull(m);
        assertEquals("q1", m.getText());
        assertNull(c.receive(300));
    }
}
