package dev.wharf.jms;

import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XASession;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicSession;

/** A connection whose {@link #createXASession()} sessions take part in XA transactions. */
final class JmsXAConnection extends JmsConnection implements XAConnection, XAQueueConnection, XATopicConnection {

    JmsXAConnection(WharfConnectionFactory.ConnectionSettings settings, dev.wharf.jms.internal.Transport transport,
                    dev.wharf.protocol.frame.ConnectedFrame connected) {
        super(settings, transport, connected);
    }

    @Override
    public XASession createXASession() throws JMSException {
        return (XASession) addSession(new JmsXASession(this, nextId()));
    }

    @Override
    public XAQueueSession createXAQueueSession() throws JMSException {
        return (XAQueueSession) createXASession();
    }

    @Override
    public XATopicSession createXATopicSession() throws JMSException {
        return (XATopicSession) createXASession();
    }
}
