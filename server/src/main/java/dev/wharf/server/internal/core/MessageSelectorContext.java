package dev.wharf.server.internal.core;

import dev.wharf.protocol.WireMessage;
import dev.wharf.server.selector.SelectorContext;

/**
 * Exposes a message's headers and properties to the selector engine under their JMS names.
 * Header identifiers: JMSDeliveryMode ('PERSISTENT'/'NON_PERSISTENT'), JMSPriority,
 * JMSMessageID, JMSTimestamp, JMSCorrelationID, JMSType; plus JMSXDeliveryCount of the
 * reference; anything else is a property (null when absent).
 */
public final class MessageSelectorContext implements SelectorContext {

    private final WireMessage message;
    private final int deliveryCount;

    public MessageSelectorContext(WireMessage message, int deliveryCount) {
        this.message = message;
        this.deliveryCount = deliveryCount;
    }

    @Override
    public Object get(String identifier) {
        switch (identifier) {
            case "JMSDeliveryMode":
                return message.isPersistent() ? "PERSISTENT" : "NON_PERSISTENT";
            case "JMSPriority":
                return message.priority();
            case "JMSMessageID":
                return message.messageId();
            case "JMSTimestamp":
                return message.timestamp();
            case "JMSCorrelationID":
                return message.correlationId();
            case "JMSType":
                return message.type();
            case "JMSXDeliveryCount":
                return deliveryCount;
            default:
                return message.properties().get(identifier);
        }
    }
}
