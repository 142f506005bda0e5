package dev.wharf.jms.message;

import dev.wharf.jms.JmsDestination;
import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Wharf message: the headers, the properties and (in subclasses) the body of a JMS message, and
 * the conversion to and from {@link WireMessage}. This class itself is the plain {@link Message},
 * which has no body.
 *
 * <p>States: a message the application creates is writable. A received message
 * ({@link #fromWire}) has read-only properties until {@link #clearProperties()} and a read-only
 * body until {@link #clearBody()}. Header setters always work: the provider sets them on send.
 *
 * <p>Not thread-safe, as JMS messages are not: a message is used by one thread at a time (the
 * session's, or the application's after it received it).
 */
public class JmsMessage implements Message {

    private String messageId;
    private long timestamp;
    private String correlationId;
    private byte[] correlationIdBytes;
    // As set, so getJMSReplyTo() returns the very object; the Wharf form is computed on set.
    private Destination replyTo;
    private JmsDestination wireReplyTo;
    private Destination destination;
    private JmsDestination wireDestination;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private boolean redelivered;
    private String type;
    private long expiration;
    private long deliveryTime;
    private int priority = Message.DEFAULT_PRIORITY;

    private Map<String, Object> properties = new LinkedHashMap<>();
    private boolean readOnlyProperties;
    /** For BytesMessage and StreamMessage also "in read mode" (reset() was called). */
    private boolean readOnlyBody;

    private JmsAcknowledgeCallback acknowledgeCallback;

    /** A new, writable message without a body. */
    public JmsMessage() {
    }

    // ---------------------------------------------------------------- headers

    @Override
    public String getJMSMessageID() {
        return messageId;
    }

    @Override
    public void setJMSMessageID(String id) {
        this.messageId = id;
    }

    @Override
    public long getJMSTimestamp() {
        return timestamp;
    }

    @Override
    public void setJMSTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    /** The correlation id as bytes: as set, or the UTF-8 bytes of a String id; null if none. */
    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        if (correlationIdBytes != null) {
            return correlationIdBytes.clone();
        }
        return correlationId == null ? null : correlationId.getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces any String correlation id; the array is copied. */
    @Override
    public void setJMSCorrelationIDAsBytes(byte[] correlationID) {
        this.correlationIdBytes = correlationID == null ? null : correlationID.clone();
        this.correlationId = null;
    }

    /** Replaces any byte[] correlation id. */
    @Override
    public void setJMSCorrelationID(String correlationID) {
        this.correlationId = correlationID;
        this.correlationIdBytes = null;
    }

    /** The correlation id: as set, or a byte[] id decoded as UTF-8; null if none. */
    @Override
    public String getJMSCorrelationID() {
        if (correlationIdBytes != null) {
            return new String(correlationIdBytes, StandardCharsets.UTF_8);
        }
        return correlationId;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }

    /**
     * @throws jakarta.jms.InvalidDestinationException if the destination is another provider's and
     *         neither a Queue nor a Topic
     */
    @Override
    public void setJMSReplyTo(Destination replyTo) throws JMSException {
        this.wireReplyTo = JmsDestination.of(replyTo);
        this.replyTo = replyTo;
    }

    @Override
    public Destination getJMSDestination() {
        return destination;
    }

    /**
     * Set by the producer on send.
     *
     * @throws jakarta.jms.InvalidDestinationException if the destination is another provider's and
     *         neither a Queue nor a Topic
     */
    @Override
    public void setJMSDestination(Destination destination) throws JMSException {
        this.wireDestination = JmsDestination.of(destination);
        this.destination = destination;
    }

    @Override
    public int getJMSDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public void setJMSDeliveryMode(int deliveryMode) {
        this.deliveryMode = deliveryMode;
    }

    @Override
    public boolean getJMSRedelivered() {
        return redelivered;
    }

    @Override
    public void setJMSRedelivered(boolean redelivered) {
        this.redelivered = redelivered;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public void setJMSType(String type) {
        this.type = type;
    }

    @Override
    public long getJMSExpiration() {
        return expiration;
    }

    @Override
    public void setJMSExpiration(long expiration) {
        this.expiration = expiration;
    }

    @Override
    public long getJMSDeliveryTime() {
        return deliveryTime;
    }

    @Override
    public void setJMSDeliveryTime(long deliveryTime) {
        this.deliveryTime = deliveryTime;
    }

    @Override
    public int getJMSPriority() {
        return priority;
    }

    @Override
    public void setJMSPriority(int priority) {
        this.priority = priority;
    }

    // ---------------------------------------------------------------- properties

    /** Removes every property (JMSX ones included) and makes the properties writable. */
    @Override
    public void clearProperties() {
        properties = new LinkedHashMap<>();
        readOnlyProperties = false;
    }

    @Override
    public boolean propertyExists(String name) {
        return properties.containsKey(name);
    }

    @Override
    public boolean getBooleanProperty(String name) throws JMSException {
        return TypeConversionSupport.toBoolean(properties.get(name));
    }

    @Override
    public byte getByteProperty(String name) throws JMSException {
        return TypeConversionSupport.toByte(properties.get(name));
    }

    @Override
    public short getShortProperty(String name) throws JMSException {
        return TypeConversionSupport.toShort(properties.get(name));
    }

    @Override
    public int getIntProperty(String name) throws JMSException {
        return TypeConversionSupport.toInt(properties.get(name));
    }

    @Override
    public long getLongProperty(String name) throws JMSException {
        return TypeConversionSupport.toLong(properties.get(name));
    }

    @Override
    public float getFloatProperty(String name) throws JMSException {
        return TypeConversionSupport.toFloat(properties.get(name));
    }

    @Override
    public double getDoubleProperty(String name) throws JMSException {
        return TypeConversionSupport.toDouble(properties.get(name));
    }

    @Override
    public String getStringProperty(String name) throws JMSException {
        return TypeConversionSupport.toString(properties.get(name));
    }

    @Override
    public Object getObjectProperty(String name) {
        return properties.get(name);
    }

    /** A snapshot of the property names, JMSX ones (e.g. JMSXDeliveryCount when received) included. */
    @Override
    public Enumeration<String> getPropertyNames() {
        return Collections.enumeration(List.copyOf(properties.keySet()));
    }

    @Override
    public void setBooleanProperty(String name, boolean value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setByteProperty(String name, byte value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setShortProperty(String name, short value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setIntProperty(String name, int value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setLongProperty(String name, long value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setFloatProperty(String name, float value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setDoubleProperty(String name, double value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setStringProperty(String name, String value) throws JMSException {
        setObjectProperty(name, value);
    }

    /**
     * @throws IllegalArgumentException if the name is null, empty or not a valid selector identifier
     * @throws MessageNotWriteableException if the properties are read-only (received message)
     * @throws MessageFormatException if the value is not a boxed primitive (Character excluded) or
     *         String, or JMSXGroupID is not a String, or JMSXGroupSeq / JMSXDeliveryCount not an int
     */
    @Override
    public void setObjectProperty(String name, Object value) throws JMSException {
        PropertySupport.checkName(name);
        if (name.startsWith("JMS_WHARF_") && setSpecialProperty(name, value)) {
            return;
        }
        if (readOnlyProperties) {
            throw new MessageNotWriteableException("The message properties are read-only (received message): "
                    + "call clearProperties() before setting property " + name);
        }
        PropertySupport.checkValue(name, value);
        properties.put(name, value);
    }

    // ---------------------------------------------------------------- acknowledge, body

    /** Calls the acknowledge callback the session set; does nothing if there is none. */
    @Override
    public void acknowledge() throws JMSException {
        JmsAcknowledgeCallback cb = acknowledgeCallback;
        if (cb != null) {
            cb.acknowledge();
        }
    }

    /** Set by the session on a message it delivers; null (the default) makes acknowledge() a no-op. */
    public void setAcknowledgeCallback(JmsAcknowledgeCallback callback) {
        this.acknowledgeCallback = callback;
    }

    public JmsAcknowledgeCallback getAcknowledgeCallback() {
        return acknowledgeCallback;
    }

    /** Empties the body and makes it writable (BytesMessage and StreamMessage: write mode). */
    @Override
    public void clearBody() throws JMSException {
        clearBodyContent();
        setReadOnlyBody(false);
    }

    /**
     * The body as {@code c}: null if the message has no body (whatever {@code c} is).
     *
     * @throws MessageFormatException if the body is not assignable to {@code c}, the message is a
     *         StreamMessage, or an ObjectMessage's object cannot be deserialized
     */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        Object body = bodyObject();
        if (body == null) {
            return null;
        }
        if (!c.isInstance(body)) {
            throw new MessageFormatException("the body of this " + bodyType() + " message is a "
                    + TypeConversionSupport.typeName(body) + ", which cannot be returned as " + c.getName());
        }
        return c.cast(body);
    }

    /** True if the message has no body or its body is a {@code c}; false for a StreamMessage. */
    @Override
    public boolean isBodyAssignableTo(@SuppressWarnings("rawtypes") Class c) throws JMSException {
        Object body = bodyObject();
        return body == null || c.isInstance(body);
    }

    // ---------------------------------------------------------------- body hooks for subclasses

    /** The wire body type of this class. */
    BodyType bodyType() {
        return BodyType.MESSAGE;
    }

    /** The body encoded as {@link BodyType} documents; null for no body. Does not change state. */
    byte[] encodeBody() {
        return null;
    }

    /** Replaces the body with a received one (the body is then made read-only by the caller). */
    void decodeBody(byte[] body) {
    }

    /** Empties the body; the read-only flag is handled by the caller. */
    void clearBodyContent() throws JMSException {
    }

    /** The body for getBody (a copy where mutable), or null if the message has no body. */
    Object bodyObject() throws JMSException {
        return null;
    }

    /** Copies the body of another provider's message of the same type into this one. */
    void copyBodyFrom(Message foreign) throws JMSException {
    }

    final boolean isReadOnlyBody() {
        return readOnlyBody;
    }

    /** Subclasses call it from reset() (read mode) and when receiving. */
    void setReadOnlyBody(boolean readOnly) {
        this.readOnlyBody = readOnly;
    }

    final void checkWritableBody() throws MessageNotWriteableException {
        if (readOnlyBody) {
            throw new MessageNotWriteableException("The message body is read-only: call clearBody() to write it");
        }
    }

    // ---------------------------------------------------------------- wire conversion

    /**
     * Handles an object property that is an instruction rather than a value (the stream
     * properties of a BytesMessage); returns false for an ordinary property.
     */
    boolean setSpecialProperty(String name, Object value) throws JMSException {
        return false;
    }

    /** True if the body is not in memory (a file, an InputStream): the producer sends it as a large message. */
    public boolean hasExternalBody() {
        return false;
    }

    /** {@link #toWire(String)} without the body (null): the headers of a large message. */
    public WireMessage toWireWithoutBody(String producerId) {
        Map<String, Object> props = new LinkedHashMap<>(properties);
        props.remove(PropertySupport.JMSX_DELIVERY_COUNT);
        return new WireMessage(messageId, wire(wireDestination), wire(wireReplyTo),
                correlationIdBytes == null ? correlationId : null, correlationIdBytes == null ? null : correlationIdBytes.clone(),
                deliveryMode, priority, timestamp, expiration, deliveryTime, type, producerId,
                props, bodyType(), null);
    }

    /** {@link #toWire(String)} with no producer id. */
    public WireMessage toWire() {
        return toWire(null);
    }

    /**
     * A snapshot of headers, properties and body: later changes to this message do not change it.
     * JMSXDeliveryCount is left out (the broker's delivery count replaces it on receipt); the
     * redelivered flag is not part of the wire form. Does not change this message's state.
     *
     * @param producerId the sending connection's id, for no-local consumers; may be null
     * @throws IllegalArgumentException if the delivery mode is not 1 or 2 or the priority not 0..9
     */
    public WireMessage toWire(String producerId) {
        Map<String, Object> props = new LinkedHashMap<>(properties);
        props.remove(PropertySupport.JMSX_DELIVERY_COUNT);
        return new WireMessage(messageId, wire(wireDestination), wire(wireReplyTo),
                correlationIdBytes == null ? correlationId : null, correlationIdBytes == null ? null : correlationIdBytes.clone(),
                deliveryMode, priority, timestamp, expiration, deliveryTime, type, producerId,
                props, bodyType(), encodeBody());
    }

    private static WireDestination wire(JmsDestination d) {
        return d == null ? null : d.toWire();
    }

    /**
     * A received message: the subclass for the wire body type, with read-only body (BytesMessage
     * and StreamMessage in read mode) and properties, JMSRedelivered = deliveryCount &gt; 1 and the
     * property JMSXDeliveryCount = deliveryCount. Temporary destinations in it have no owner.
     *
     * @throws IllegalArgumentException if deliveryCount &lt; 1
     */
    public static JmsMessage fromWire(WireMessage wire, int deliveryCount) {
        if (deliveryCount < 1) {
            throw new IllegalArgumentException("deliveryCount: " + deliveryCount + " (expected: >= 1)");
        }
        JmsMessage m = fromWireWritable(wire);
        m.properties.put(PropertySupport.JMSX_DELIVERY_COUNT, deliveryCount);
        m.redelivered = deliveryCount > 1;
        m.readOnlyProperties = true;
        m.setReadOnlyBody(true);
        return m;
    }

    /** A writable message with the wire message's content (no delivery count, not redelivered). */
    static JmsMessage fromWireWritable(WireMessage wire) {
        JmsMessage m = newMessage(wire.bodyType());
        m.messageId = wire.messageId();
        m.wireDestination = JmsDestination.fromWire(wire.destination());
        m.destination = m.wireDestination;
        m.wireReplyTo = JmsDestination.fromWire(wire.replyTo());
        m.replyTo = m.wireReplyTo;
        m.correlationId = wire.correlationId();
        m.correlationIdBytes = wire.correlationIdBytes() == null ? null : wire.correlationIdBytes().clone();
        m.deliveryMode = wire.deliveryMode();
        m.priority = wire.priority();
        m.timestamp = wire.timestamp();
        m.expiration = wire.expiration();
        m.deliveryTime = wire.deliveryTime();
        m.type = wire.type();
        m.properties = new LinkedHashMap<>(wire.properties());
        m.decodeBody(wire.body());
        return m;
    }

    private static JmsMessage newMessage(BodyType bodyType) {
        return switch (bodyType) {
            case MESSAGE -> new JmsMessage();
            case TEXT -> new JmsTextMessage();
            case BYTES -> new JmsBytesMessage();
            case MAP -> new JmsMapMessage();
            case STREAM -> new JmsStreamMessage();
            case OBJECT -> new JmsObjectMessage();
        };
    }

    /**
     * A writable Wharf copy of any message: headers, properties and, for the five standard message
     * types, the body. A Wharf message is copied through its wire form. Another provider's message
     * is read through the JMS API: a BytesMessage through getBody(byte[].class) or, if its provider
     * refuses that, reset() and readBytes(); a StreamMessage with reset() and readObject() (then
     * reset() again). Its other state is left as it was.
     *
     * @throws JMSException if the foreign message cannot be read, or its JMSReplyTo is neither a
     *         Queue nor a Topic (jakarta.jms.InvalidDestinationException)
     */
    public static JmsMessage copyOf(Message foreign) throws JMSException {
        if (foreign instanceof JmsMessage own) {
            JmsMessage copy = fromWireWritable(own.toWire());
            copy.destination = own.destination;
            copy.replyTo = own.replyTo;
            copy.redelivered = own.redelivered;
            if (own.properties.containsKey(PropertySupport.JMSX_DELIVERY_COUNT)) {
                copy.properties.put(PropertySupport.JMSX_DELIVERY_COUNT, own.properties.get(PropertySupport.JMSX_DELIVERY_COUNT));
            }
            return copy;
        }
        JmsMessage m = foreign instanceof BytesMessage ? new JmsBytesMessage()
                : foreign instanceof MapMessage ? new JmsMapMessage()
                : foreign instanceof ObjectMessage ? new JmsObjectMessage()
                : foreign instanceof StreamMessage ? new JmsStreamMessage()
                : foreign instanceof TextMessage ? new JmsTextMessage()
                : new JmsMessage();
        m.copyHeadersFrom(foreign);
        for (Enumeration<?> names = foreign.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            m.setObjectProperty(name, foreign.getObjectProperty(name));
        }
        m.copyBodyFrom(foreign);
        return m;
    }

    private void copyHeadersFrom(Message foreign) throws JMSException {
        messageId = foreign.getJMSMessageID();
        timestamp = foreign.getJMSTimestamp();
        setJMSCorrelationID(foreign.getJMSCorrelationID());
        setJMSReplyTo(foreign.getJMSReplyTo());
        try {
            setJMSDestination(foreign.getJMSDestination());
        } catch (JMSException e) {
            // The producer replaces the destination on send; an unknown kind here is no reason to fail.
            destination = null;
            wireDestination = null;
        }
        deliveryMode = foreign.getJMSDeliveryMode();
        redelivered = foreign.getJMSRedelivered();
        type = foreign.getJMSType();
        expiration = foreign.getJMSExpiration();
        deliveryTime = foreign.getJMSDeliveryTime();
        priority = foreign.getJMSPriority();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[id=" + messageId + ", destination=" + destination
                + ", redelivered=" + redelivered + ", properties=" + properties.keySet() + "]";
    }
}
