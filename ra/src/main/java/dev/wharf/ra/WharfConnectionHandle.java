package dev.wharf.ra;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@code jakarta.jms.Connection} an application gets from a pooled factory: a handle on a
 * {@link WharfManagedConnection}. Closing it closes its sessions and gives the physical connection
 * back to the pool. The methods Jakarta EE forbids in a web or EJB container
 * ({@code setClientID}, {@code setExceptionListener}, {@code stop}, connection consumers) throw
 * {@code IllegalStateException}.
 *
 * <p>For one application thread at a time, like any connection in a container; the container may
 * move it to another managed connection ({@link #associate}) between calls.
 */
final class WharfConnectionHandle implements Connection, QueueConnection, TopicConnection {

    private volatile WharfManagedConnection managed;
    private final List<SessionHandle> sessions = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    WharfConnectionHandle(WharfManagedConnection managed) {
        this.managed = managed;
    }

    /** Moves this handle to another managed connection; returns the old one. */
    WharfManagedConnection associate(WharfManagedConnection to) {
        WharfManagedConnection old = managed;
        managed = to;
        return old;
    }

    private WharfManagedConnection managed() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("The connection is closed");
        }
        return managed;
    }

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        WharfManagedConnection.SessionChoice choice = managed().sessionFor(transacted, acknowledgeMode);
        SessionHandle h = new SessionHandle(choice, this);
        sessions.add(h);
        return h.proxy();
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        return createSession(sessionMode == Session.SESSION_TRANSACTED, sessionMode);
    }

    @Override
    public Session createSession() throws JMSException {
        return createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return (QueueSession) createSession(transacted, acknowledgeMode);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return (TopicSession) createSession(transacted, acknowledgeMode);
    }

    void sessionClosed(SessionHandle h) {
        sessions.remove(h);
    }

    @Override
    public String getClientID() throws JMSException {
        return managed().physical().getClientID();
    }

    @Override
    public void setClientID(String clientID) throws JMSException {
        managed();
        throw new IllegalStateException("setClientID is not allowed on a connection of a Jakarta EE container;"
                + " give the client id in the connection factory's URL (clientID=...)");
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        return managed().physical().getMetaData();
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        managed();
        return null;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        managed();
        throw new IllegalStateException("setExceptionListener is not allowed on a connection of a Jakarta EE container");
    }

    @Override
    public void start() throws JMSException {
        managed().physical().start();
    }

    @Override
    public void stop() throws JMSException {
        managed();
        throw new IllegalStateException("stop is not allowed on a connection of a Jakarta EE container");
    }

    /** Closes this handle's sessions and returns the connection to the pool. Idempotent. */
    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        closeSessions();
        closed = true;
        managed.handleClosed(this);
    }

    /** The container cleans the managed connection up: the handle is dead, no event is sent. */
    void invalidate() {
        if (!closed) {
            closeSessions();
            closed = true;
        }
    }

    private void closeSessions() {
        for (SessionHandle s : sessions) {
            s.closeQuietly();
        }
        sessions.clear();
    }

    private static IllegalStateException noConnectionConsumers() {
        return new IllegalStateException("connection consumers are not allowed in a Jakarta EE container; use a"
                + " message-driven bean");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination destination, String messageSelector,
                                                       ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(Topic topic, String subscriptionName, String messageSelector,
                                                             ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(Topic topic, String subscriptionName, String messageSelector,
                                                              ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(Topic topic, String subscriptionName, String messageSelector,
                                                                    ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Queue queue, String messageSelector, ServerSessionPool sessionPool,
                                                       int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic topic, String messageSelector, ServerSessionPool sessionPool,
                                                       int maxMessages) throws JMSException {
        throw noConnectionConsumers();
    }

    @Override
    public String toString() {
        return "WharfConnectionHandle[" + managed + (closed ? ", closed" : "") + "]";
    }
}
