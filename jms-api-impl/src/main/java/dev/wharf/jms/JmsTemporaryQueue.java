package dev.wharf.jms;

import dev.wharf.protocol.WireDestination;
import jakarta.jms.TemporaryQueue;

/** A Wharf temporary queue; see {@link JmsTemporaryDestination} for its life and ownership. */
public class JmsTemporaryQueue extends JmsTemporaryDestination implements TemporaryQueue {

    private static final long serialVersionUID = 1L;

    /**
     * @param name  the name, chosen by the creating connection (temp-queue:&lt;connectionId&gt;:&lt;n&gt;)
     * @param owner the creating connection, or null for a copy received in a message
     * @throws IllegalArgumentException if the name is null or empty
     */
    public JmsTemporaryQueue(String name, JmsTemporaryDestinationOwner owner) {
        super(name, "temporary queue", owner);
    }

    @Override
    public String getQueueName() {
        return getName();
    }

    @Override
    public WireDestination.Kind kind() {
        return WireDestination.Kind.TEMP_QUEUE;
    }

    @Override
    String prefix() {
        return "temp-queue";
    }

    @Override
    String creator() {
        return "createTemporaryQueue()";
    }
}
