package dev.wharf.jms;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;

/**
 * What temporary queues and topics share: they live as long as the connection that created
 * them (the owner). Only the owner may create consumers on one or delete it; a copy received
 * in a message (as JMSReplyTo, say) has no owner and cannot be deleted through it.
 *
 * <p>Thread-safe: the deleted flag is volatile, written by {@link #delete()}.
 */
public abstract class JmsTemporaryDestination extends JmsDestination {

    private static final long serialVersionUID = 1L;

    // Not serialized: a deserialized copy is not the creating connection's object.
    private final transient JmsTemporaryDestinationOwner owner;
    // Written by delete() on the application thread, read by any thread.
    private volatile boolean deleted;

    JmsTemporaryDestination(String name, String what, JmsTemporaryDestinationOwner owner) {
        super(name, what);
        this.owner = owner;
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
    public void delete() throws JMSException {
        if (owner == null) {
            throw new IllegalStateException("only the connection that created temporary destination "
                    + this + " can delete it; use the object that " + creator() + " returned");
        }
        owner.deleteTemporaryDestination(this);
        deleted = true;
    }

    /** The session method that makes this kind, for error messages. */
    abstract String creator();
}
