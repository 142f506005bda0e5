package dev.wharf.server.selector;

/** What a selector reads from a message. Implementations are called on the evaluating thread only. */
public interface SelectorContext {

    /**
     * The value of a header field or property, or null if absent. Header names as in the JMS
     * specification: {@code JMSDeliveryMode} ("PERSISTENT" or "NON_PERSISTENT"),
     * {@code JMSPriority}, {@code JMSMessageID}, {@code JMSTimestamp}, {@code JMSCorrelationID},
     * {@code JMSType}. Values are Boolean, Byte, Short, Integer, Long, Float, Double or String.
     */
    Object get(String identifier);
}
