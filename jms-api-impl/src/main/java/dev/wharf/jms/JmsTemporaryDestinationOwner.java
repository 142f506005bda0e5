package dev.wharf.jms;

import jakarta.jms.JMSException;

/**
 * The connection that created a temporary destination: {@link JmsTemporaryQueue#delete()} and
 * {@link JmsTemporaryTopic#delete()} hand the work to it.
 */
public interface JmsTemporaryDestinationOwner {

    /**
     * Deletes the temporary destination at the broker. Called on the application thread; blocks
     * until the broker answers.
     *
     * @throws JMSException if the broker refuses (for example, the destination still has consumers:
     *         jakarta.jms.IllegalStateException) or the connection is closed
     */
    void deleteTemporaryDestination(JmsDestination destination) throws JMSException;
}
