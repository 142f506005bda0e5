package dev.wharf.jms;

import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAConnectionFactory;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueConnectionFactory;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicConnectionFactory;

/**
 * The connection factory for XA: its {@code createXAConnection} connections make
 * {@link jakarta.jms.XASession}s whose work a transaction manager commits in two phases. Same URL
 * and settings as {@link WharfConnectionFactory}, whose plain connections it makes too.
 */
public class WharfXAConnectionFactory extends WharfConnectionFactory
        implements XAConnectionFactory, XAQueueConnectionFactory, XATopicConnectionFactory {

    private static final long serialVersionUID = 1L;

    /** A factory for {@code wharf://localhost:61700}. */
    public WharfXAConnectionFactory() {
        super();
    }

    /** @param url {@code wharf://host[:port][?options]}, as for {@link WharfConnectionFactory} */
    public WharfXAConnectionFactory(String url) {
        super(url);
    }

    @Override
    public XAConnection createXAConnection() throws JMSException {
        return createXAConnection(user(), password());
    }

    @Override
    public XAConnection createXAConnection(String userName, String pass) throws JMSException {
        return (XAConnection) JmsConnection.open(settings(userName, pass), true);
    }

    @Override
    public XAQueueConnection createXAQueueConnection() throws JMSException {
        return (XAQueueConnection) createXAConnection();
    }

    @Override
    public XAQueueConnection createXAQueueConnection(String userName, String pass) throws JMSException {
        return (XAQueueConnection) createXAConnection(userName, pass);
    }

    @Override
    public XATopicConnection createXATopicConnection() throws JMSException {
        return (XATopicConnection) createXAConnection();
    }

    @Override
    public XATopicConnection createXATopicConnection(String userName, String pass) throws JMSException {
        return (XATopicConnection) createXAConnection(userName, pass);
    }

    @Override
    public XAJMSContext createXAContext() {
        return createXAContext(user(), password());
    }

    @Override
    public XAJMSContext createXAContext(String userName, String pass) {
        try {
            return new JmsXAContext(createXAConnection(userName, pass));
        } catch (JMSException e) {
            throw JmsContext.toRuntime(e);
        }
    }

    @Override
    public String toString() {
        return "WharfXAConnectionFactory[" + url() + "]";
    }
}
