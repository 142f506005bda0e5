package dev.wharf.jms.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.JmsQueue;
import dev.wharf.jms.JmsTemporaryQueue;
import dev.wharf.jms.JmsTopic;
import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageEOFException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** toWire, encode into a ByteBuf, decode, fromWire: the content comes back. */
class WireRoundTripTest {

    private static JmsMessage roundTrip(JmsMessage m, int deliveryCount) {
        ByteBuf buf = Unpooled.buffer();
        try {
            m.toWire("producer-1").encode(buf);
            WireMessage decoded = WireMessage.decode(buf);
            assertEquals(0, buf.readableBytes());
            assertEquals("producer-1", decoded.producerId());
            return JmsMessage.fromWire(decoded, deliveryCount);
        } finally {
            buf.release();
        }
    }

    private static <T extends JmsMessage> T withHeadersAndProperties(T m) throws Exception {
        m.setJMSMessageID("ID:wharf-1");
        m.setJMSTimestamp(1_700_000_000_000L);
        m.setJMSCorrelationID("corr-\u00e9");
        m.setJMSReplyTo(new JmsTemporaryQueue("temp-queue:c1:1", null));
        m.setJMSDestination(new JmsQueue("orders"));
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        m.setJMSType("order");
        m.setJMSExpiration(1_700_000_060_000L);
        m.setJMSDeliveryTime(1_700_000_001_000L);
        m.setJMSPriority(9);
        m.setBooleanProperty("bool", true);
        m.setByteProperty("byte", (byte) -1);
        m.setShortProperty("short", (short) -2);
        m.setIntProperty("int", -3);
        m.setLongProperty("long", Long.MIN_VALUE);
        m.setFloatProperty("float", Float.NaN);
        m.setDoubleProperty("double", -0.0);
        m.setStringProperty("string", "s\u00e9");
        m.setStringProperty("nullString", null);
        m.setStringProperty("JMSXGroupID", "g");
        m.setIntProperty("JMSXGroupSeq", 2);
        return m;
    }

    private static void assertHeadersAndProperties(JmsMessage r) throws Exception {
        assertEquals("ID:wharf-1", r.getJMSMessageID());
        assertEquals(1_700_000_000_000L, r.getJMSTimestamp());
        assertEquals("corr-\u00e9", r.getJMSCorrelationID());
        assertEquals(new JmsTemporaryQueue("temp-queue:c1:1", null), r.getJMSReplyTo());
        assertInstanceOf(jakarta.jms.TemporaryQueue.class, r.getJMSReplyTo());
        assertEquals(new JmsQueue("orders"), r.getJMSDestination());
        assertEquals(DeliveryMode.NON_PERSISTENT, r.getJMSDeliveryMode());
        assertEquals("order", r.getJMSType());
        assertEquals(1_700_000_060_000L, r.getJMSExpiration());
        assertEquals(1_700_000_001_000L, r.getJMSDeliveryTime());
        assertEquals(9, r.getJMSPriority());
        assertTrue(r.getBooleanProperty("bool"));
        assertEquals(-1, r.getByteProperty("byte"));
        assertEquals(-2, r.getShortProperty("short"));
        assertEquals(-3, r.getIntProperty("int"));
        assertEquals(Long.MIN_VALUE, r.getLongProperty("long"));
        assertTrue(Float.isNaN(r.getFloatProperty("float")));
        assertEquals(Double.valueOf(-0.0), r.getObjectProperty("double"));
        assertEquals("s\u00e9", r.getStringProperty("string"));
        assertTrue(r.propertyExists("nullString"));
        assertNull(r.getStringProperty("nullString"));
        assertEquals("g", r.getStringProperty("JMSXGroupID"));
        assertEquals(2, r.getIntProperty("JMSXGroupSeq"));
        assertEquals(List.of("bool", "byte", "short", "int", "long", "float", "double", "string", "nullString",
                "JMSXGroupID", "JMSXGroupSeq", "JMSXDeliveryCount"), Collections.list(r.getPropertyNames()));
        assertEquals(2, r.getIntProperty("JMSXDeliveryCount"));
        assertTrue(r.getJMSRedelivered());
    }

    @Test
    void plainMessageRoundTripsHeadersAndProperties() throws Exception {
        JmsMessage r = roundTrip(withHeadersAndProperties(new JmsMessage()), 2);
        assertEquals(JmsMessage.class, r.getClass());
        assertHeadersAndProperties(r);
    }

    @Test
    void textMessageRoundTrips() throws Exception {
        JmsTextMessage m = withHeadersAndProperties(new JmsTextMessage("h\u00e9llo \ud83d\ude00"));
        assertArrayEquals("h\u00e9llo \ud83d\ude00".getBytes(StandardCharsets.UTF_8), m.toWire().body());
        JmsTextMessage r = (JmsTextMessage) roundTrip(m, 2);
        assertHeadersAndProperties(r);
        assertEquals("h\u00e9llo \ud83d\ude00", r.getText());
    }

    @Test
    void textMessageWithNullTextRoundTripsAsNull() throws Exception {
        JmsTextMessage m = new JmsTextMessage();
        assertNull(m.toWire().body());
        assertNull(((JmsTextMessage) roundTrip(m, 1)).getText());
        assertEquals("", ((JmsTextMessage) roundTrip(new JmsTextMessage(""), 1)).getText());
    }

    @Test
    void bytesMessageRoundTrips() throws Exception {
        JmsBytesMessage m = withHeadersAndProperties(new JmsBytesMessage());
        m.writeInt(7);
        m.writeUTF("x");
        m.writeBytes(new byte[] {1, 2, 3});
        JmsBytesMessage r = (JmsBytesMessage) roundTrip(m, 2);
        assertHeadersAndProperties(r);
        assertEquals(4 + 3 + 3, r.getBodyLength());
        assertEquals(7, r.readInt());
        assertEquals("x", r.readUTF());
        byte[] rest = new byte[3];
        assertEquals(3, r.readBytes(rest));
        assertArrayEquals(new byte[] {1, 2, 3}, rest);
    }

    @Test
    void bytesMessageInReadModeSendsAllItsBytes() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeInt(7);
        m.reset();
        m.readInt();
        JmsBytesMessage r = (JmsBytesMessage) roundTrip(m, 1);
        assertEquals(7, r.readInt());
    }

    @Test
    void mapMessageRoundTripsEveryType() throws Exception {
        JmsMapMessage m = withHeadersAndProperties(new JmsMapMessage());
        m.setBoolean("bool", false);
        m.setByte("byte", Byte.MIN_VALUE);
        m.setShort("short", Short.MAX_VALUE);
        m.setChar("char", '\uffff');
        m.setInt("int", Integer.MIN_VALUE);
        m.setLong("long", Long.MAX_VALUE);
        m.setFloat("float", Float.MIN_VALUE);
        m.setDouble("double", Double.MAX_VALUE);
        m.setString("string", "\u00e9");
        m.setString("null", null);
        m.setBytes("bytes", new byte[] {0, -1});
        JmsMapMessage r = (JmsMapMessage) roundTrip(m, 2);
        assertHeadersAndProperties(r);
        assertEquals(List.of("bool", "byte", "short", "char", "int", "long", "float", "double", "string", "null", "bytes"),
                Collections.list(r.getMapNames()));
        assertEquals(false, r.getObject("bool"));
        assertEquals(Byte.MIN_VALUE, r.getByte("byte"));
        assertEquals(Short.MAX_VALUE, r.getShort("short"));
        assertEquals('\uffff', r.getChar("char"));
        assertEquals(Integer.MIN_VALUE, r.getInt("int"));
        assertEquals(Long.MAX_VALUE, r.getLong("long"));
        assertEquals(Float.MIN_VALUE, r.getFloat("float"));
        assertEquals(Double.MAX_VALUE, r.getDouble("double"));
        assertEquals("\u00e9", r.getString("string"));
        assertTrue(r.itemExists("null"));
        assertNull(r.getObject("null"));
        assertArrayEquals(new byte[] {0, -1}, r.getBytes("bytes"));
    }

    @Test
    void streamMessageRoundTripsEveryType() throws Exception {
        JmsStreamMessage m = withHeadersAndProperties(new JmsStreamMessage());
        Object[] values = {true, (byte) 1, (short) 2, 'c', 3, 4L, 5.5f, 6.5, "seven", null};
        for (Object v : values) {
            m.writeObject(v);
        }
        m.writeBytes(new byte[] {8, 9});
        JmsStreamMessage r = (JmsStreamMessage) roundTrip(m, 2);
        assertHeadersAndProperties(r);
        for (Object v : values) {
            assertEquals(v, r.readObject());
        }
        assertArrayEquals(new byte[] {8, 9}, (byte[]) r.readObject());
        assertThrows(MessageEOFException.class, r::readObject);
    }

    @Test
    void objectMessageRoundTrips() throws Exception {
        JmsObjectMessage m = withHeadersAndProperties(new JmsObjectMessage());
        m.setObject(new java.util.HashMap<>(java.util.Map.of("k", List.of(1, 2))));
        JmsObjectMessage r = (JmsObjectMessage) roundTrip(m, 2);
        assertHeadersAndProperties(r);
        assertEquals(java.util.Map.of("k", List.of(1, 2)), r.getObject());
    }

    @Test
    void emptyBodiesRoundTripAsEmpty() throws Exception {
        assertNull(((JmsObjectMessage) roundTrip(new JmsObjectMessage(), 1)).getObject());
        assertEquals(0, ((JmsBytesMessage) roundTrip(new JmsBytesMessage(), 1)).getBodyLength());
        assertTrue(!((JmsMapMessage) roundTrip(new JmsMapMessage(), 1)).getMapNames().hasMoreElements());
        assertThrows(MessageEOFException.class, ((JmsStreamMessage) roundTrip(new JmsStreamMessage(), 1))::readObject);
    }

    @Test
    void eachMessageTypeHasItsWireBodyType() {
        assertEquals(BodyType.MESSAGE, new JmsMessage().toWire().bodyType());
        assertEquals(BodyType.TEXT, new JmsTextMessage().toWire().bodyType());
        assertEquals(BodyType.BYTES, new JmsBytesMessage().toWire().bodyType());
        assertEquals(BodyType.MAP, new JmsMapMessage().toWire().bodyType());
        assertEquals(BodyType.STREAM, new JmsStreamMessage().toWire().bodyType());
        assertEquals(BodyType.OBJECT, new JmsObjectMessage().toWire().bodyType());
    }

    @Test
    void correlationIdBytesRoundTrip() throws Exception {
        JmsMessage m = new JmsMessage();
        m.setJMSCorrelationIDAsBytes(new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, roundTrip(m, 1).getJMSCorrelationIDAsBytes());
    }

    @Test
    void destinationsOfEveryKindRoundTrip() throws Exception {
        JmsMessage m = new JmsMessage();
        m.setJMSDestination(new JmsTopic("prices"));
        m.setJMSReplyTo(ForeignMessages.foreignTopic("replies"));
        JmsMessage r = roundTrip(m, 1);
        assertEquals(new JmsTopic("prices"), r.getJMSDestination());
        assertEquals(new JmsTopic("replies"), r.getJMSReplyTo());
        assertNull(roundTrip(new JmsMessage(), 1).getJMSReplyTo());
    }

    @Test
    void toWireIsASnapshotThatLaterChangesDoNotReach() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        m.setInt("a", 1);
        m.setIntProperty("p", 1);
        WireMessage wire = m.toWire();
        m.setInt("a", 2);
        m.setIntProperty("p", 2);
        m.setJMSType("later");
        JmsMapMessage r = (JmsMapMessage) JmsMessage.fromWire(wire, 1);
        assertEquals(1, r.getInt("a"));
        assertEquals(1, r.getIntProperty("p"));
        assertNull(r.getJMSType());
    }

    @Test
    void receivedMessageSentOnKeepsItsBody() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        m.setInt("a", 1);
        JmsMessage received = JmsMessage.fromWire(m.toWire(), 1);
        // The body was never read: it is passed on undecoded.
        JmsMapMessage again = (JmsMapMessage) roundTrip(received, 1);
        assertEquals(1, again.getInt("a"));
    }
}
