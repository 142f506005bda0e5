package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

class TemporaryDestinationIT extends BrokerTestSupport {

    @Test
    void temporaryQueueCarriesRepliesAndDiesWithItsConnection() throws Exception {
        Connection owner = factory.createConnection();
        owner.start();
        Session s = owner.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue replies = s.createTemporaryQueue();
        MessageConsumer c = s.createConsumer(replies);
        Session other = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        other.createProducer(replies).send(other.createTextMessage("reply"));
        assertEquals("reply", ((TextMessage) c.receive(5000)).getText());

        // Another connection may send to it but not consume from it.
        assertThrows(JMSException.class, () -> other.createConsumer(replies));

        owner.close();
        assertThrows(InvalidDestinationException.class,
                () -> other.createProducer(replies).send(other.createTextMessage("too late")));
    }

    @Test
    void deletingATemporaryQueueInUseIsRefused() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue q = s.createTemporaryQueue();
        MessageConsumer c = s.createConsumer(q);
        assertThrows(JMSException.class, q::delete);
        c.close();
        q.delete();
    }
}
