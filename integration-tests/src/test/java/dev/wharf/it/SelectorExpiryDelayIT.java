package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectorExpiryDelayIT extends BrokerTestSupport {

    @Test
    void selectorsFollowThreeValuedLogicForMissingProperties() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("sel"));
        MessageProducer p = s.createProducer(q);
        TextMessage withProp = s.createTextMessage("with");
        withProp.setIntProperty("size", 10);
        p.send(withProp);
        p.send(s.createTextMessage("without"));

        assertEquals(List.of("with"), drain(s.createConsumer(q, "size > 5")));
        // Neither "size > 5" nor its negation selects a message without "size".
        assertEquals(List.of(), drain(s.createConsumer(q, "NOT (size > 5)")));
        assertEquals(List.of("without"), drain(s.createConsumer(q, "size IS NULL")));
    }

    @Test
    void queueConsumerWithSelectorLeavesOtherMessagesForOthers() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("sel2"));
        MessageProducer p = s.createProducer(q);
        for (String color : List.of("red", "blue", "red")) {
            TextMessage m = s.createTextMessage(color);
            m.setStringProperty("color", color);
            p.send(m);
        }
        assertEquals(List.of("blue"), drain(s.createConsumer(q, "color = 'blue' AND JMSPriority = 4")));
        assertEquals(List.of("red", "red"), drain(s.createConsumer(q)));
    }

    @Test
    void invalidSelectorIsRejectedAndTheConnectionGoesOn() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("badsel"));
        InvalidSelectorException e = assertThrows(InvalidSelectorException.class, () -> s.createConsumer(q, "color = "));
        assertTrue(e.getMessage().contains("color = "), e.getMessage());
        s.createProducer(q).send(s.createTextMessage("still works"));
        assertEquals("still works", ((TextMessage) s.createConsumer(q).receive(5000)).getText());
    }

    @Test
    void expiredMessagesAreNeverDelivered() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("expiry"));
        MessageProducer p = s.createProducer(q);
        p.send(s.createTextMessage("short-lived"), DeliveryMode.PERSISTENT, 4, 50);
        p.send(s.createTextMessage("long-lived"), DeliveryMode.PERSISTENT, 4, 60_000);
        Thread.sleep(150);
        MessageConsumer c = s.createConsumer(q);
        Message m = c.receive(5000);
        assertEquals("long-lived", ((TextMessage) m).getText());
        assertTrue(m.getJMSExpiration() > System.currentTimeMillis());
        assertNull(c.receive(300));
    }

    @Test
    void deliveryDelayHoldsTheMessageBackUntilItsTime() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("delay"));
        MessageProducer p = s.createProducer(q);
        p.setDeliveryDelay(1000);
        long sent = System.currentTimeMillis();
        p.send(s.createTextMessage("later"));
        MessageConsumer c = s.createConsumer(q);
        assertNull(c.receive(300), "delivered before its delivery time");
        Message m = c.receive(5000);
        assertNotNull(m);
        assertTrue(System.currentTimeMillis() - sent >= 1000, "delivered too early");
        assertTrue(m.getJMSDeliveryTime() >= sent + 1000);
    }

    private static List<String> drain(MessageConsumer c) throws Exception {
        List<String> out = new ArrayList<>();
        Message m;
        while ((m = c.receive(300)) != null) {
            out.add(((TextMessage) m).getText());
        }
        c.close();
        return out;
    }
}
