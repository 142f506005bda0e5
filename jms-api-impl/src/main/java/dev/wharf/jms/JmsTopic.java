package dev.wharf.jms;

import dev.wharf.protocol.WireDestination;
import jakarta.jms.Topic;

/** A Wharf topic. Immutable and thread-safe. */
public class JmsTopic extends JmsDestination implements Topic {

    private static final long serialVersionUID = 1L;

    /**
     * @param name the topic name
     * @throws IllegalArgumentException if the name is null or empty
     */
    public JmsTopic(String name) {
        super(name, "topic");
    }

    @Override
    public String getTopicName() {
        return getName();
    }

    @Override
    public WireDestination.Kind kind() {
        return WireDestination.Kind.TOPIC;
    }

    @Override
    String prefix() {
        return "topic";
    }
}
