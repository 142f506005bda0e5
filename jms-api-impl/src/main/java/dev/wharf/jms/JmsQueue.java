package dev.wharf.jms;

import dev.wharf.protocol.WireDestination;
import jakarta.jms.Queue;

/** A Wharf queue. Immutable and thread-safe. */
public class JmsQueue extends JmsDestination implements Queue {

    private static final long serialVersionUID = 1L;

    /**
     * @param name the queue name
     * @throws IllegalArgumentException if the name is null or empty
     */
    public JmsQueue(String name) {
        super(name, "queue");
    }

    @Override
    public String getQueueName() {
        return getName();
    }

    @Override
    public WireDestination.Kind kind() {
        return WireDestination.Kind.QUEUE;
    }

    @Override
    String prefix() {
        return "queue";
    }
}
