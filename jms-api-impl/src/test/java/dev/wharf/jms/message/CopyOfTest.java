package dev.wharf.jms.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.JmsQueue;
import dev.wharf.jms.JmsTopic;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** copyOf: another provider's message (a Proxy over a Wharf message, so not a Wharf class) to a Wharf one. */
class CopyOfTest {

    @Test
    void headersAndPropertiesAreCopied() throws Exception {
        JmsMessage source = new JmsMessage();
        source.setJMSMessageID("ID:foreign");
        source.setJMSTimestamp(5);
        source.setJMSCorrelationID("c");
        source.setJMSReplyTo(ForeignMessages.foreignQueue("replies"));
        source.setJMSDestination(ForeignMessages.foreignTopic("t"));
        source.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        source.setJMSType("type");
        source.setJMSExpiration(6);
        source.setJMSDeliveryTime(7);
        source.setJMSPriority(8);
        source.setIntProperty("i", 1);
        source.setStringProperty("s", "x");
        Message foreign = ForeignMessages.wrap(Message.class, source, Set.of()).message();

        JmsMessage copy = JmsMessage.copyOf(foreign);

        assertEquals(JmsMessage.class, copy.getClass());
        assertEquals("ID:foreign", copy.getJMSMessageID());
        assertEquals(5, copy.getJMSTimestamp());
        assertEquals("c", copy.getJMSCorrelationID());
        assertEquals(new JmsQueue("replies"), copy.toWire().replyTo() == null ? null
                : dev.wharf.jms.JmsDestination.fromWire(copy.toWire().replyTo()));
        assertEquals(new JmsTopic("t").toWire(), copy.toWire().destination());
        assertEquals(DeliveryMode.NON_PERSISTENT, copy.getJMSDeliveryMode());
        assertEquals("type", copy.getJMSType());
        assertEquals(6, copy.getJMSExpiration());
        assertEquals(7, copy.getJMSDeliveryTime());
        assertEquals(8, copy.getJMSPriority());
        assertEquals(1, copy.getIntProperty("i"));
        assertEquals("x", copy.getStringProperty("s"));
        copy.setIntProperty("i", 2);
        assertEquals(1, source.getIntProperty("i"));
    }

    @Test
    void textBodyIsCopied() throws Exception {
        TextMessage foreign = ForeignMessages.wrap(TextMessage.class, new JmsTextMessage("t"), Set.of()).message();
        JmsTextMessage copy = assertInstanceOf(JmsTextMessage.class, JmsMessage.copyOf(foreign));
        assertEquals("t", copy.getText());
        copy.setText("writable");
    }

    @Test
    void bytesBodyIsCopiedWithGetBodyWithoutChangingTheForeignMessage() throws Exception {
        JmsBytesMessage source = new JmsBytesMessage();
        source.writeInt(42);
        var foreign = ForeignMessages.wrap(BytesMessage.class, source, Set.of());
        JmsBytesMessage copy = assertInstanceOf(JmsBytesMessage.class, JmsMessage.copyOf(foreign.message()));
        assertFalse(foreign.calls().contains("reset"));
        // The foreign message is still in write mode.
        assertThrows(MessageNotReadableException.class, source::readInt);
        source.writeInt(43);
        copy.reset();
        assertEquals(42, copy.readInt());
        assertThrows(MessageEOFException.class, copy::readByte);
    }

    @Test
    void bytesBodyIsReadWithReadBytesWhenTheProviderRefusesGetBody() throws Exception {
        JmsBytesMessage source = new JmsBytesMessage();
        source.writeBytes(new byte[] {1, 2, 3});
        var foreign = ForeignMessages.wrap(BytesMessage.class, source, Set.of("getBody"));
        JmsBytesMessage copy = (JmsBytesMessage) JmsMessage.copyOf(foreign.message());
        assertTrue(foreign.calls().contains("readBytes"));
        copy.reset();
        assertArrayEquals(new byte[] {1, 2, 3}, copy.getBody(byte[].class));
        // Left rewound for whoever reads it next.
        assertEquals(1, source.readByte());
    }

    @Test
    void mapBodyIsCopied() throws Exception {
        JmsMapMessage source = new JmsMapMessage();
        source.setInt("i", 1);
        source.setChar("c", 'x');
        source.setBytes("b", new byte[] {2});
        JmsMapMessage copy = (JmsMapMessage) JmsMessage.copyOf(
                ForeignMessages.wrap(MapMessage.class, source, Set.of()).message());
        assertEquals(1, copy.getInt("i"));
        assertEquals('x', copy.getChar("c"));
        assertArrayEquals(new byte[] {2}, copy.getBytes("b"));
        copy.setInt("i", 5);
        assertEquals(1, source.getInt("i"));
    }

    @Test
    void streamBodyIsCopiedAndTheForeignMessageLeftRewound() throws Exception {
        JmsStreamMessage source = new JmsStreamMessage();
        source.writeInt(1);
        source.writeBytes(new byte[] {2});
        source.writeString(null);
        JmsStreamMessage copy = (JmsStreamMessage) JmsMessage.copyOf(
                ForeignMessages.wrap(StreamMessage.class, source, Set.of()).message());
        copy.reset();
        assertEquals(1, copy.readInt());
        assertArrayEquals(new byte[] {2}, (byte[]) copy.readObject());
        assertEquals(null, copy.readObject());
        assertThrows(MessageEOFException.class, copy::readObject);
        assertEquals(1, source.readInt());
    }

    @Test
    void objectBodyIsCopied() throws Exception {
        JmsObjectMessage source = new JmsObjectMessage();
        source.setObject(new java.util.ArrayList<>(List.of("a")));
        JmsObjectMessage copy = (JmsObjectMessage) JmsMessage.copyOf(
                ForeignMessages.wrap(ObjectMessage.class, source, Set.of()).message());
        assertEquals(List.of("a"), copy.getObject());
    }

    @Test
    void wharfMessageIsCopiedToAWritableIndependentMessage() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        m.setInt("a", 1);
        m.setIntProperty("p", 1);
        JmsMapMessage received = (JmsMapMessage) JmsMessage.fromWire(m.toWire(), 2);
        JmsMapMessage copy = (JmsMapMessage) JmsMessage.copyOf(received);
        assertNotSame(received, copy);
        assertEquals(1, copy.getInt("a"));
        assertEquals(2, copy.getIntProperty("JMSXDeliveryCount"));
        assertTrue(copy.getJMSRedelivered());
        copy.setInt("a", 2);
        copy.setIntProperty("p", 2);
        assertEquals(1, received.getInt("a"));
    }
}
