package dev.wharf.jms.internal;

import jakarta.jms.JMSException;

/**
 * A request failed because its TCP connection is gone. {@link #maybeDelivered()} tells whether the
 * broker may have received and acted on it before the connection died (it was written, and no
 * answer came), or surely did not (the connection was already closed when it was sent).
 */
public final class ConnectionLostException extends JMSException {

    private static final long serialVersionUID = 1L;

    private final boolean maybeDelivered;

    public ConnectionLostException(String reason, boolean maybeDelivered) {
        super(reason);
        this.maybeDelivered = maybeDelivered;
    }

    public boolean maybeDelivered() {
        return maybeDelivered;
    }
}
