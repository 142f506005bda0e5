package dev.wharf.jms.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.JmsQueue;
import dev.wharf.jms.JmsTopic;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JmsMessageTest {

    @Test
    void newMessageHasTheSpecDefaults() {
        JmsMessage m = new JmsMessage();
        assertEquals(DeliveryMode.PERSISTENT, m.getJMSDeliveryMode());
        assertEquals(Message.DEFAULT_PRIORITY, m.getJMSPriority());
        assertNull(m.getJMSMessageID());
        assertNull(m.getJMSDestination());
        assertFalse(m.getJMSRedelivered());
        assertEquals(0, m.getJMSExpiration());
        assertEquals(0, m.getJMSDeliveryTime());
        assertFalse(m.getPropertyNames().hasMoreElements());
    }

    @Test
    void everyHeaderIsReadBackAsSet() throws Exception {
        JmsMessage m = new JmsMessage();
        JmsQueue queue = new JmsQueue("q");
        JmsTopic topic = new JmsTopic("t");
        m.setJMSMessageID("ID:1");
        m.setJMSTimestamp(11);
        m.setJMSCorrelationID("corr");
        m.setJMSReplyTo(topic);
        m.setJMSDestination(queue);
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        m.setJMSRedelivered(true);
        m.setJMSType("type");
        m.setJMSExpiration(22);
        m.setJMSDeliveryTime(33);
        m.setJMSPriority(7);
        assertEquals("ID:1", m.getJMSMessageID());
        assertEquals(11, m.getJMSTimestamp());
        assertEquals("corr", m.getJMSCorrelationID());
        assertSame(topic, m.getJMSReplyTo());
        assertSame(queue, m.getJMSDestination());
        assertEquals(DeliveryMode.NON_PERSISTENT, m.getJMSDeliveryMode());
        assertTrue(m.getJMSRedelivered());
        assertEquals("type", m.getJMSType());
        assertEquals(22, m.getJMSExpiration());
        assertEquals(33, m.getJMSDeliveryTime());
        assertEquals(7, m.getJMSPriority());
    }

    @Test
    void correlationIdAsBytesIsCopiedAndReplacesTheStringForm() throws Exception {
        JmsMessage m = new JmsMessage();
        m.setJMSCorrelationID("text");
        byte[] id = {1, 2, (byte) 0xff};
        m.setJMSCorrelationIDAsBytes(id);
        id[0] = 9;
        assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, m.getJMSCorrelationIDAsBytes());
        m.getJMSCorrelationIDAsBytes()[0] = 9;
        assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, m.getJMSCorrelationIDAsBytes());
        m.setJMSCorrelationID("abc");
        assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), m.getJMSCorrelationIDAsBytes());
        m.setJMSCorrelationIDAsBytes(null);
        assertNull(m.getJMSCorrelationID());
        assertNull(m.getJMSCorrelationIDAsBytes());
    }

    @Test
    void foreignDestinationHeaderIsKeptAsSetAndItsNameIsSent() throws Exception {
        JmsMessage m = new JmsMessage();
        Destination foreign = ForeignMessages.foreignQueue("elsewhere");
        m.setJMSReplyTo(foreign);
        assertSame(foreign, m.getJMSReplyTo());
        assertEquals(new JmsQueue("elsewhere").toWire(), m.toWire().replyTo());
    }

    @Test
    void destinationThatIsNeitherQueueNorTopicThrowsInvalidDestinationException() {
        JmsMessage m = new JmsMessage();
        Destination odd = new Destination() { };
        assertThrows(InvalidDestinationException.class, () -> m.setJMSReplyTo(odd));
        assertThrows(InvalidDestinationException.class, () -> m.setJMSDestination(odd));
    }

    @Test
    void everyPropertyTypeIsReadBackAsSetAndByGetObjectProperty() throws Exception {
        JmsMessage m = new JmsMessage();
        m.setBooleanProperty("bool", true);
        m.setByteProperty("byte", (byte) 1);
        m.setShortProperty("short", (short) 2);
        m.setIntProperty("int", 3);
        m.setLongProperty("long", 4L);
        m.setFloatProperty("float", 5.5f);
        m.setDoubleProperty("double", 6.5);
        m.setStringProperty("string", "seven");
        assertTrue(m.getBooleanProperty("bool"));
        assertEquals(1, m.getByteProperty("byte"));
        assertEquals(2, m.getShortProperty("short"));
        assertEquals(3, m.getIntProperty("int"));
        assertEquals(4L, m.getLongProperty("long"));
        assertEquals(5.5f, m.getFloatProperty("float"));
        assertEquals(6.5, m.getDoubleProperty("double"));
        assertEquals("seven", m.getStringProperty("string"));
        assertEquals(Byte.valueOf((byte) 1), m.getObjectProperty("byte"));
        assertEquals(Float.valueOf(5.5f), m.getObjectProperty("float"));
        assertEquals(Set.of("bool", "byte", "short", "int", "long", "float", "double", "string"),
                new HashSet<>(Collections.list(m.getPropertyNames())));
        assertTrue(m.propertyExists("int"));
        assertFalse(m.propertyExists("nope"));
    }

    @Test
    void setObjectPropertyRejectsCharByteArrayAndOtherTypesWithMessageFormatException() {
        JmsMessage m = new JmsMessage();
        assertThrows(MessageFormatException.class, () -> m.setObjectProperty("p", 'c'));
        assertThrows(MessageFormatException.class, () -> m.setObjectProperty("p", new byte[1]));
        assertThrows(MessageFormatException.class, () -> m.setObjectProperty("p", new Object()));
        assertThrows(MessageFormatException.class, () -> m.setObjectProperty("p", new StringBuilder()));
        assertFalse(m.propertyExists("p"));
    }

    @Test
    void nullStringPropertyExistsAndReadsAsNull() throws Exception {
        JmsMessage m = new JmsMessage();
        m.setStringProperty("p", null);
        assertTrue(m.propertyExists("p"));
        assertNull(m.getStringProperty("p"));
        assertNull(m.getObjectProperty("p"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1abc", "a-b", "a b", "a.b", "NULL", "true", "False", "not", "AND", "or", "Between",
            "LIKE", "in", "IS", "escape"})
    void invalidPropertyNameThrowsIllegalArgumentException(String name) {
        JmsMessage m = new JmsMessage();
        assertThrows(IllegalArgumentException.class, () -> m.setStringProperty(name, "v"));
        assertThrows(IllegalArgumentException.class, () -> m.setObjectProperty(name, 1));
    }

    @Test
    void nullPropertyNameThrowsIllegalArgumentException() {
        assertThrows(IllegalArgumentException.class, () -> new JmsMessage().setIntProperty(null, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "_x", "$y", "abc123", "Nullable", "isIt", "JMSXGroupID", "JMS_wharf_x", "\u00e9t\u00e9"})
    void validPropertyNameIsAccepted(String name) throws Exception {
        JmsMessage m = new JmsMessage();
        m.setStringProperty(name, "v");
        assertEquals("v", m.getStringProperty(name));
    }

    @Test
    void groupPropertiesMustHaveTheirSpecTypes() throws Exception {
        JmsMessage m = new JmsMessage();
        m.setStringProperty("JMSXGroupID", "g");
        m.setIntProperty("JMSXGroupSeq", 3);
        assertEquals("g", m.getStringProperty("JMSXGroupID"));
        assertEquals(3, m.getIntProperty("JMSXGroupSeq"));
        assertThrows(MessageFormatException.class, () -> m.setIntProperty("JMSXGroupID", 1));
        assertThrows(MessageFormatException.class, () -> m.setStringProperty("JMSXGroupSeq", "1"));
        assertThrows(MessageFormatException.class, () -> m.setLongProperty("JMSXGroupSeq", 1L));
    }

    @Test
    void receivedMessageHasReadOnlyPropertiesUntilClearProperties() throws Exception {
        JmsMessage m = new JmsMessage();
        m.setIntProperty("a", 1);
        JmsMessage received = JmsMessage.fromWire(m.toWire(), 1);
        assertThrows(MessageNotWriteableException.class, () -> received.setIntProperty("a", 2));
        assertThrows(MessageNotWriteableException.class, () -> received.setObjectProperty("b", "x"));
        assertEquals(1, received.getIntProperty("a"));
        received.clearProperties();
        assertFalse(received.propertyExists("a"));
        assertFalse(received.propertyExists("JMSXDeliveryCount"));
        received.setIntProperty("a", 2);
        assertEquals(2, received.getIntProperty("a"));
    }

    @Test
    void headersOfAReceivedMessageStayWritable() throws Exception {
        JmsMessage received = JmsMessage.fromWire(new JmsMessage().toWire(), 1);
        received.setJMSType("t");
        received.setJMSCorrelationID("c");
        assertEquals("t", received.getJMSType());
        assertEquals("c", received.getJMSCorrelationID());
    }

    @Test
    void receivedMessageCarriesDeliveryCountAndRedeliveredFlag() throws Exception {
        JmsMessage first = JmsMessage.fromWire(new JmsMessage().toWire(), 1);
        assertFalse(first.getJMSRedelivered());
        assertEquals(1, first.getIntProperty("JMSXDeliveryCount"));
        assertTrue(Collections.list(first.getPropertyNames()).contains("JMSXDeliveryCount"));
        JmsMessage third = JmsMessage.fromWire(new JmsMessage().toWire(), 3);
        assertTrue(third.getJMSRedelivered());
        assertEquals(3, third.getIntProperty("JMSXDeliveryCount"));
        assertEquals("3", third.getStringProperty("JMSXDeliveryCount"));
    }

    @Test
    void deliveryCountIsNotSentOnAndIsReplacedOnReceipt() throws Exception {
        JmsMessage received = JmsMessage.fromWire(new JmsMessage().toWire(), 2);
        assertFalse(received.toWire().properties().containsKey("JMSXDeliveryCount"));
        assertEquals(1, JmsMessage.fromWire(received.toWire(), 1).getIntProperty("JMSXDeliveryCount"));
    }

    @Test
    void deliveryCountBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> JmsMessage.fromWire(new JmsMessage().toWire(), 0));
    }

    @Test
    void acknowledgeCallsTheCallbackOrDoesNothingWithoutOne() throws Exception {
        JmsMessage m = new JmsMessage();
        m.acknowledge();
        AtomicInteger calls = new AtomicInteger();
        m.setAcknowledgeCallback(calls::incrementAndGet);
        m.acknowledge();
        m.acknowledge();
        assertEquals(2, calls.get());
    }

    @Test
    void acknowledgeFailurePropagates() {
        JmsMessage m = new JmsMessage();
        m.setAcknowledgeCallback(() -> {
            throw new jakarta.jms.IllegalStateException("The session is closed");
        });
        JMSException e = assertThrows(jakarta.jms.IllegalStateException.class, m::acknowledge);
        assertEquals("The session is closed", e.getMessage());
    }

    @Test
    void clearPropertiesKeepsTheBody() throws Exception {
        JmsTextMessage m = new JmsTextMessage("body");
        m.setIntProperty("a", 1);
        m.clearProperties();
        assertEquals("body", m.getText());
        assertFalse(m.propertyExists("a"));
    }

    @Test
    void clearBodyKeepsTheProperties() throws Exception {
        JmsTextMessage m = new JmsTextMessage("body");
        m.setIntProperty("a", 1);
        m.clearBody();
        assertNull(m.getText());
        assertEquals(1, m.getIntProperty("a"));
    }
}
