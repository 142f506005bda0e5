package dev.wharf.jms.message;

import jakarta.jms.JMSException;

/**
 * What {@link JmsMessage#acknowledge()} does for a received message: the session sets one on each
 * message it hands to the application (CLIENT_ACKNOWLEDGE acknowledges every message consumed so
 * far in the session; other modes may do nothing).
 */
@FunctionalInterface
public interface JmsAcknowledgeCallback {

    /**
     * Acknowledges. Called on the application thread that called {@code Message.acknowledge()};
     * may block until the broker answers.
     *
     * @throws JMSException if the acknowledgement fails, or jakarta.jms.IllegalStateException if the
     *         session is closed
     */
    void acknowledge() throws JMSException;
}
