package dev.wharf.ra;

import dev.wharf.jms.JmsContext;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import java.io.Serializable;
import javax.naming.NamingException;
import javax.naming.Reference;

/**
 * The connection factory an application looks up ({@code @Resource(lookup = "jms/wharf")}): each
 * connection is a handle on a pooled {@link WharfManagedConnection}, enlisted by the container in
 * the caller's transaction. {@link #createContext()} gives a JMSContext over such a connection (the
 * Wharf client's {@link JmsContext}); in a JTA transaction its session mode is ignored.
 *
 * <p>Thread-safe: the connection manager is.
 */
public final class WharfPooledConnectionFactory
        implements ConnectionFactory, QueueConnectionFactory, TopicConnectionFactory, Serializable, jakarta.resource.Referenceable {

    private static final long serialVersionUID = 1L;

    private final WharfManagedConnectionFactory mcf;
    private final ConnectionManager cm;
    private Reference reference;

    WharfPooledConnectionFactory(WharfManagedConnectionFactory mcf, ConnectionManager cm) {
        this.mcf = mcf;
        this.cm = cm;
    }

    WharfManagedConnectionFactory managedConnectionFactory() {
        return mcf;
    }

    /** A pooled connection with the configured credentials. Blocks while the pool is exhausted. */
    @Override
    public Connection createConnection() throws JMSException {
        return allocate(null);
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        return allocate(new WharfConnectionRequestInfo(userName, password));
    }

    private Connection allocate(WharfConnectionRequestInfo cri) throws JMSException {
        try {
            return (Connection) cm.allocateConnection(mcf, cri);
        } catch (ResourceException e) {
            JMSException j = new JMSException("cannot get a pooled Wharf connection (" + mcf.settings() + "): " + e.getMessage());
            j.setLinkedException(e);
            j.initCause(e);
            throw j;
        }
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return (QueueConnection) createConnection();
    }

    @Override
    public QueueConnection createQueueConnection(String userName, String password) throws JMSException {
        return (QueueConnection) createConnection(userName, password);
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return (TopicConnection) createConnection();
    }

    @Override
    public TopicConnection createTopicConnection(String userName, String password) throws JMSException {
        return (TopicConnection) createConnection(userName, password);
    }

    @Override
    public JMSContext createContext() {
        return createContext(JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        try {
            return new JmsContext(createConnection(), sessionMode, true);
        } catch (JMSException e) {
            throw JmsContext.toRuntime(e);
        }
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return createContext(userName, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        try {
            return new JmsContext(createConnection(userName, password), sessionMode, true);
        } catch (JMSException e) {
            throw JmsContext.toRuntime(e);
        } catch (JMSRuntimeException e) {
            throw e;
        }
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() throws NamingException {
        return reference;
    }

    @Override
    public String toString() {
        return "WharfPooledConnectionFactory[" + mcf.settings() + "]";
    }
}
