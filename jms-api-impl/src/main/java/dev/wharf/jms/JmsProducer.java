package dev.wharf.jms;

import dev.wharf.jms.message.JmsMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageProducer;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * The simplified API's producer: settings and message properties applied to every message it
 * sends, over one anonymous {@link MessageProducer} of the context's session. Properties are
 * kept in a {@link JmsMessage} so they follow exactly the conversion rules of message
 * properties. For one application thread at a time, like its context.
 */
public class JmsProducer implements JMSProducer {

    private final JmsContext context;
    private final MessageProducer producer;
    private final JmsMessage properties = new JmsMessage();
    private CompletionListener async;
    private String correlationId;
    private byte[] correlationIdBytes;
    private String type;
    private Destination replyTo;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive = Message.DEFAULT_TIME_TO_LIVE;
    private long deliveryDelay = Message.DEFAULT_DELIVERY_DELAY;

    JmsProducer(JmsContext context, MessageProducer producer) {
        this.context = context;
        this.producer = producer;
    }

    // ---- sending ----

    @Override
    public JMSProducer send(Destination destination, Message message) {
        if (message == null) {
            throw new MessageFormatRuntimeException("message: null");
        }
        JmsContext.run(() -> {
            for (String name : Collections.list(properties.getPropertyNames())) {
                message.setObjectProperty(name, properties.getObjectProperty(name));
            }
            if (correlationIdBytes != null) {
                message.setJMSCorrelationIDAsBytes(correlationIdBytes);
            } else if (correlationId != null) {
                message.setJMSCorrelationID(correlationId);
            }
            if (type != null) {
                message.setJMSType(type);
            }
            if (replyTo != null) {
                message.setJMSReplyTo(replyTo);
            }
            producer.setDeliveryDelay(deliveryDelay);
            if (async != null) {
                producer.send(destination, message, deliveryMode, priority, timeToLive, async);
            } else {
                producer.send(destination, message, deliveryMode, priority, timeToLive);
            }
            return null;
        });
        return this;
    }

    @Override
    public JMSProducer send(Destination destination, String body) {
        return send(destination, context.createTextMessage(body));
    }

    @Override
    public JMSProducer send(Destination destination, Map<String, Object> body) {
        MapMessage m = context.createMapMessage();
        if (body != null) {
            JmsContext.run(() -> {
                for (Map.Entry<String, Object> e : body.entrySet()) {
                    m.setObject(e.getKey(), e.getValue());
                }
                return null;
            });
        }
        return send(destination, m);
    }

    @Override
    public JMSProducer send(Destination destination, byte[] body) {
        var m = context.createBytesMessage();
        if (body != null) {
            JmsContext.run(() -> {
                m.writeBytes(body);
                return null;
            });
        }
        return send(destination, m);
    }

    @Override
    public JMSProducer send(Destination destination, Serializable body) {
        return send(destination, context.createObjectMessage(body));
    }

    // ---- settings ----

    @Override
    public JMSProducer setDisableMessageID(boolean value) {
        JmsContext.run(() -> {
            producer.setDisableMessageID(value);
            return null;
        });
        return this;
    }

    @Override
    public boolean getDisableMessageID() {
        return JmsContext.run(producer::getDisableMessageID);
    }

    @Override
    public JMSProducer setDisableMessageTimestamp(boolean value) {
        JmsContext.run(() -> {
            producer.setDisableMessageTimestamp(value);
            return null;
        });
        return this;
    }

    @Override
    public boolean getDisableMessageTimestamp() {
        return JmsContext.run(producer::getDisableMessageTimestamp);
    }

    @Override
    public JMSProducer setDeliveryMode(int mode) {
        if (mode != DeliveryMode.PERSISTENT && mode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSRuntimeException("deliveryMode: " + mode + " (expected: DeliveryMode.PERSISTENT or NON_PERSISTENT)");
        }
        deliveryMode = mode;
        return this;
    }

    @Override
    public int getDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public JMSProducer setPriority(int value) {
        if (value < 0 || value > 9) {
            throw new JMSRuntimeException("priority: " + value + " (expected: 0..9)");
        }
        priority = value;
        return this;
    }

    @Override
    public int getPriority() {
        return priority;
    }

    @Override
    public JMSProducer setTimeToLive(long value) {
        timeToLive = value;
        return this;
    }

    @Override
    public long getTimeToLive() {
        return timeToLive;
    }

    @Override
    public JMSProducer setDeliveryDelay(long value) {
        deliveryDelay = value;
        return this;
    }

    @Override
    public long getDeliveryDelay() {
        return deliveryDelay;
    }

    @Override
    public JMSProducer setAsync(CompletionListener listener) {
        async = listener;
        return this;
    }

    @Override
    public CompletionListener getAsync() {
        return async;
    }

    // ---- properties ----

    private JMSProducer property(JmsContext.JmsCall<Void> set) {
        try {
            set.call();
        } catch (JMSException e) {
            throw JmsContext.toRuntime(e);
        }
        return this;
    }

    @Override
    public JMSProducer setProperty(String name, boolean value) {
        return property(() -> {
            properties.setBooleanProperty(name, value);
            return null;
        });
    }

    @Override
    public JMSProducer setProperty(String name, byte value) {
        return property(() -> {
            properties.setByteProperty(name, value);
            return null;
        });
    }

    @Override
    public JMSProducer setProperty(String name, short value) {
        return property(() -> {
            properties.setShortProperty(name, value);
            return null;
        });
    }

    @Override
    public JMSProducer setProperty(String name, int value) {
        return property(() -> {
            properties.setIntProperty(name, value);
            return null;
        });
    }

    @Override
    public JMSProducer setProperty(String name, long value) {
        return property(() -> {
            properties.setLongProperty(name, value);
            return null;
        });
    }

    @Override
    public JMSProducer setProperty(String name, float value) {
        return property(() -> {
            properties.setFloatProperty(name, value);
            return null;
        });
    }

    @Override
    public JMSProducer setProperty(String name, double value) {
        return property(() -> {
            properties.setDoubleProperty(name, value);
            return null;
        });
    }

    @Override
    public JMSProducer setProperty(String name, String value) {
        return property(() -> {
            properties.setStringProperty(name, value);
            return null;
        });
    }

    @Override
    public JMSProducer setProperty(String name, Object value) {
        return property(() -> {
            properties.setObjectProperty(name, value);
            return null;
        });
    }

    @Override
    public JMSProducer clearProperties() {
        return property(() -> {
            properties.clearProperties();
            return null;
        });
    }

    @Override
    public boolean propertyExists(String name) {
        return JmsContext.run(() -> properties.propertyExists(name));
    }

    @Override
    public boolean getBooleanProperty(String name) {
        return JmsContext.run(() -> properties.getBooleanProperty(name));
    }

    @Override
    public byte getByteProperty(String name) {
        return JmsContext.run(() -> properties.getByteProperty(name));
    }

    @Override
    public short getShortProperty(String name) {
        return JmsContext.run(() -> properties.getShortProperty(name));
    }

    @Override
    public int getIntProperty(String name) {
        return JmsContext.run(() -> properties.getIntProperty(name));
    }

    @Override
    public long getLongProperty(String name) {
        return JmsContext.run(() -> properties.getLongProperty(name));
    }

    @Override
    public float getFloatProperty(String name) {
        return JmsContext.run(() -> properties.getFloatProperty(name));
    }

    @Override
    public double getDoubleProperty(String name) {
        return JmsContext.run(() -> properties.getDoubleProperty(name));
    }

    @Override
    public String getStringProperty(String name) {
        return JmsContext.run(() -> properties.getStringProperty(name));
    }

    @Override
    public Object getObjectProperty(String name) {
        return JmsContext.run(() -> properties.getObjectProperty(name));
    }

    @Override
    public Set<String> getPropertyNames() {
        return JmsContext.run(() -> Set.copyOf(Collections.list(properties.getPropertyNames())));
    }

    // ---- header settings ----

    @Override
    public JMSProducer setJMSCorrelationIDAsBytes(byte[] id) {
        correlationIdBytes = id == null ? null : id.clone();
        correlationId = null;
        return this;
    }

    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        return correlationIdBytes == null ? null : correlationIdBytes.clone();
    }

    @Override
    public JMSProducer setJMSCorrelationID(String id) {
        correlationId = id;
        correlationIdBytes = null;
        return this;
    }

    @Override
    public String getJMSCorrelationID() {
        return correlationId;
    }

    @Override
    public JMSProducer setJMSType(String value) {
        type = value;
        return this;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public JMSProducer setJMSReplyTo(Destination value) {
        replyTo = value;
        return this;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }
}
