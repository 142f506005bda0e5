package dev.wharf.jms;

import dev.wharf.protocol.WireDestination;
import jakarta.jms.TemporaryTopic;

/** A Wharf temporary topic; see {@link JmsTemporaryDestination} for its life and ownership. */
public class JmsTemporaryTopic extends JmsTemporaryDestination implements TemporaryTopic {

    private static final long serialVersionUID = 1L;

    /**
     * @param name  the name, chosen by the creating connection (temp-topic:&lt;connectionId&gt;:&lt;n&gt;)
     * @param owner the creating connection, or null for a copy received in a message
     * @throws IllegalArgumentException if the name is null or empty
     */
    public JmsTemporaryTopic(String name, JmsTemporaryDestinationOwner owner) {
        super(name, "temporary topic", owner);
    }

    @Override
    public String getTopicName() {
        return getName();
    }

    @Override
    public WireDestination.Kind kind() {
        return WireDestination.Kind.TEMP_TOPIC;
    }

    @Override
    String prefix() {
        return "temp-topic";
    }

    @Override
    String creator() {
        return "createTemporaryTopic()";
    }
}
