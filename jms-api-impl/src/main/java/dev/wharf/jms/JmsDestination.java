package dev.wharf.jms;

import dev.wharf.protocol.WireDestination;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.Topic;
import java.io.Serializable;

/**
 * A Wharf destination: a kind (queue, topic, temporary queue, temporary topic) and a name.
 * Two destinations are equal when kind and name are equal; a queue and a topic may share a name
 * and are still different destinations.
 *
 * <p>Immutable apart from the deleted flag of temporary destinations, so thread-safe (JMS lets
 * destinations be used from any thread). Serializable, so it can be bound in JNDI; a temporary
 * destination loses its owner when serialized.
 */
public abstract class JmsDestination implements Destination, Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;

    JmsDestination(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " name: " + (name == null ? "null" : "\"\"")
                    + " (expected: a non-empty name)");
        }
        this.name = name;
    }

    /** The destination's name, without the kind prefix. */
    public final String getName() {
        return name;
    }

    /** The kind of destination, as on the wire. */
    public abstract WireDestination.Kind kind();

    /** True for queues and temporary queues. */
    public final boolean isQueue() {
        return kind().isQueue();
    }

    /** True for topics and temporary topics. */
    public final boolean isTopic() {
        return !kind().isQueue();
    }

    public final boolean isTemporary() {
        return kind().isTemporary();
    }

    /** The wire form of this destination. */
    public final WireDestination toWire() {
        return new WireDestination(kind(), name);
    }

    /**
     * The destination a wire destination names; null for null. Temporary destinations come back
     * without an owner: {@code delete()} on them throws, as only the creating connection may delete.
     */
    public static JmsDestination fromWire(WireDestination wire) {
        if (wire == null) {
            return null;
        }
        return switch (wire.kind()) {
            case QUEUE -> new JmsQueue(wire.name());
            case TOPIC -> new JmsTopic(wire.name());
            case TEMP_QUEUE -> new JmsTemporaryQueue(wire.name(), null);
            case TEMP_TOPIC -> new JmsTemporaryTopic(wire.name(), null);
        };
    }

    /**
     * Converts any {@link Destination} to a Wharf one: null stays null, a Wharf destination is
     * returned as is, another provider's queue or topic becomes a Wharf destination of the same
     * kind and name (a foreign temporary destination becomes an owner-less Wharf temporary one).
     *
     * @throws InvalidDestinationException if the destination is neither a Queue nor a Topic, or
     *         its name cannot be read
     */
    public static JmsDestination of(Destination destination) throws JMSException {
        if (destination == null || destination instanceof JmsDestination) {
            return (JmsDestination) destination;
        }
        try {
            if (destination instanceof TemporaryQueue q) {
                return new JmsTemporaryQueue(q.getQueueName(), null);
            }
            if (destination instanceof TemporaryTopic t) {
                return new JmsTemporaryTopic(t.getTopicName(), null);
            }
            if (destination instanceof Queue q) {
                return new JmsQueue(q.getQueueName());
            }
            if (destination instanceof Topic t) {
                return new JmsTopic(t.getTopicName());
            }
        } catch (IllegalArgumentException e) {
            InvalidDestinationException ide = new InvalidDestinationException(
                    "destination " + destination + " has no name: " + e.getMessage());
            ide.initCause(e);
            throw ide;
        }
        throw new InvalidDestinationException("unsupported destination " + destination + " of "
                + destination.getClass().getName() + ": expected a jakarta.jms.Queue or jakarta.jms.Topic");
    }

    /** The URI-like prefix used by {@link #toString()}, e.g. "queue". */
    abstract String prefix();

    @Override
    public final boolean equals(Object o) {
        return this == o
                || o instanceof JmsDestination d && d.kind() == kind() && d.name.equals(name);
    }

    @Override
    public final int hashCode() {
        return 31 * kind().hashCode() + name.hashCode();
    }

    /** For example {@code queue://orders} or {@code temp-topic://temp-topic:3:1}. */
    @Override
    public final String toString() {
        return prefix() + "://" + name;
    }
}
