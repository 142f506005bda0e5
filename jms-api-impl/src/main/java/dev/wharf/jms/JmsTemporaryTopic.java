package dev.wharf.jms;

import dev.wharf.protocol.WireDestination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.TemporaryTopic;

/**
 * A Wharf temporary topic: lives as long as the connection that created it (its owner).
 * Only the owner may create consumers on it or delete it; a copy received in a message (as
 * JMSReplyTo, say) has no owner and cannot be deleted through it.
 *
 * <p>Thread-safe: the deleted flag is volatile, written by {@link #delete()}.
 */
public class JmsTemporaryTopic extends JmsDestination implements TemporaryTopic {

    private static final long serialVersionUID = 1L;

    // Not serialized: a deserialized copy is not the creating connection's object.
    private final transient JmsTemporaryDestinationOwner owner;
    // Written by delete() on the application thread, read by any thread.
    private volatile boolean deleted;

    /**
     * @param name  the name, chosen by the creating connection (temp-topic:&lt;connectionId&gt;:&lt;n&gt;)
     * @param owner the creating connection, or null for a copy received in a message
     * @throws IllegalArgumentException if the name is null or empty
     */
    public JmsTemporaryTopic(String name, JmsTemporaryDestinationOwner owner) {
        super(name, "temporary topic");
        this.owner = owner;
    }

    @Override
    public String getTopicName() {
        return getName();
    }

    /** The connection that created this destination; null if this is not that connection's object. */
    public JmsTemporaryDestinationOwner owner() {
        return owner;
    }

    /** True once {@link #delete()} has succeeded through this object. */
    public boolean isDeleted() {
        return deleted;
    }

    /**
     * Deletes this destination through its owner, blocking until the broker answers.
     *
     * @throws IllegalStateException if this object has no owner (it was received in a message or
     *         deserialized), or the broker refuses because the destination still has consumers
     */
    @Override
    public void delete() throws JMSException {
        if (owner == null) {
            throw new IllegalStateException("only the connection that created temporary destination "
                    + this + " can delete it; use the TemporaryTopic object that createTemporaryTopic() returned");
        }
        owner.deleteTemporaryDestination(this);
        deleted = true;
    }

    @Override
    public WireDestination.Kind kind() {
        return WireDestination.Kind.TEMP_TOPIC;
    }

    @Override
    String prefix() {
        return "temp-topic";
    }
}
