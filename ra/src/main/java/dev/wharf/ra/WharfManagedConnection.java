package dev.wharf.ra;

import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pooled physical Wharf connection with the sessions the container's transactions use: an
 * XA session (its XAResource is the one the transaction manager enlists) and, for local
 * transactions, a transacted session made on first use.
 *
 * <p>Which session a handle's {@code createSession} gets: in an XA branch, the XA session; in a
 * local transaction, the transacted session (in both the session's transacted and acknowledge
 * arguments are ignored, as JMS 2.0 says for a JTA transaction); outside any transaction, a new
 * session of the asked mode, closed with the handle.
 *
 * <p>Thread-safe: the container uses a managed connection from one thread at a time, but events
 * and connection failures come from others, so handles and listeners are in concurrent lists and
 * the session fields are guarded by {@code this}.
 */
final class WharfManagedConnection implements ManagedConnection {

    private static final Logger LOG = LoggerFactory.getLogger(WharfManagedConnection.class);

    private final WharfManagedConnectionFactory factory;
    private final WharfConnectionRequestInfo credentials;
    private final XAConnection physical;
    private final XASession xaSession;
    private final BranchTrackingXAResource xaResource;
    private final List<WharfConnectionHandle> handles = new CopyOnWriteArrayList<>();
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    /** The session of local transactions, made on first use. Guarded by this. */
    private Session localSession;
    /** A local transaction (begun by the container) is open. Guarded by this. */
    private boolean inLocalTransaction;
    private volatile boolean destroyed;
    private volatile boolean failed;
    private PrintWriter logWriter;

    WharfManagedConnection(WharfManagedConnectionFactory factory, WharfConnectionRequestInfo credentials) throws ResourceException {
        this.factory = factory;
        this.credentials = credentials;
        ConnectionSettings s = factory.settings();
        try {
            this.physical = new ConnectionSettings(s.url(), credentials.user(), credentials.password()).xaFactory()
                    .createXAConnection();
        } catch (JMSException e) {
            throw new ResourceException("cannot connect to the Wharf broker at " + s.url() + ": " + e.getMessage(), e);
        }
        try {
            this.xaSession = physical.createXASession();
            physical.setExceptionListener(this::connectionFailed);
        } catch (JMSException e) {
            closeQuietly();
            throw new ResourceException("cannot open a session at the Wharf broker at " + s.url() + ": " + e.getMessage(), e);
        }
        this.xaResource = new BranchTrackingXAResource(xaSession.getXAResource());
    }

    WharfManagedConnectionFactory factory() {
        return factory;
    }

    WharfConnectionRequestInfo credentials() {
        return credentials;
    }

    XAConnection physical() {
        return physical;
    }

    boolean isUsable() {
        return !destroyed && !failed;
    }

    /**
     * The session a handle's createSession gets (see the class comment), and whether the handle
     * owns it (closes it with itself).
     */
    synchronized SessionChoice sessionFor(boolean transacted, int ackMode) throws JMSException {
        checkUsable();
        if (xaResource.inBranch()) {
            return new SessionChoice(xaSession, false, true);
        }
        if (inLocalTransaction) {
            return new SessionChoice(localSession(), false, true);
        }
        int mode = transacted ? Session.SESSION_TRANSACTED : ackMode;
        return new SessionChoice(physical.createSession(transacted, mode), true, false);
    }

    /**
     * @param session the JMS session to use
     * @param owned true if the handle must close it; false for the connection's own sessions
     * @param managed true if a transaction manager commits it: commit and rollback are refused
     */
    record SessionChoice(Session session, boolean owned, boolean managed) {
    }

    private void checkUsable() throws JMSException {
        if (destroyed) {
            throw new jakarta.jms.IllegalStateException("the pooled Wharf connection was destroyed");
        }
    }

    private synchronized Session localSession() throws JMSException {
        if (localSession == null) {
            localSession = physical.createSession(true, Session.SESSION_TRANSACTED);
        }
        return localSession;
    }

    synchronized void beginLocal() throws JMSException {
        localSession();
        inLocalTransaction = true;
    }

    synchronized void endLocal(boolean commit) throws JMSException {
        if (!inLocalTransaction) {
            throw new jakarta.jms.IllegalStateException("no local transaction is open");
        }
        inLocalTransaction = false;
        if (commit) {
            localSession.commit();
        } else {
            localSession.rollback();
        }
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo cri) throws ResourceException {
        if (destroyed) {
            throw new jakarta.resource.spi.IllegalStateException("the managed connection was destroyed");
        }
        WharfConnectionHandle h = new WharfConnectionHandle(this);
        handles.add(h);
        return h;
    }

    /** A handle moves here from another managed connection (connection sharing). */
    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof WharfConnectionHandle h)) {
            throw new jakarta.resource.spi.IllegalStateException("not a Wharf connection handle: " + connection);
        }
        WharfManagedConnection old = h.associate(this);
        if (old != null) {
            old.handles.remove(h);
        }
        handles.add(h);
    }

    /** The application closed a handle: tell the pool the connection is free again. */
    void handleClosed(WharfConnectionHandle h) {
        handles.remove(h);
        fire(ConnectionEvent.CONNECTION_CLOSED, h, null);
    }

    private void connectionFailed(JMSException e) {
        failed = true;
        LOG.warn("A pooled Wharf connection to {} failed: {}; the pool drops it", factory.settings(), e.getMessage());
        fire(ConnectionEvent.CONNECTION_ERROR_OCCURRED, null, e);
    }

    private void fire(int type, WharfConnectionHandle h, Exception e) {
        ConnectionEvent ev = e == null ? new ConnectionEvent(this, type) : new ConnectionEvent(this, type, e);
        if (h != null) {
            ev.setConnectionHandle(h);
        }
        for (ConnectionEventListener l : listeners) {
            switch (type) {
                case ConnectionEvent.CONNECTION_CLOSED -> l.connectionClosed(ev);
                case ConnectionEvent.CONNECTION_ERROR_OCCURRED -> l.connectionErrorOccurred(ev);
                default -> throw new IllegalArgumentException("event " + type);
            }
        }
    }

    /** Before the connection goes back to the pool: every handle is invalidated, with its sessions. */
    @Override
    public void cleanup() throws ResourceException {
        for (WharfConnectionHandle h : handles) {
            h.invalidate();
        }
        handles.clear();
        synchronized (this) {
            if (inLocalTransaction) {
                inLocalTransaction = false;
                try {
                    localSession.rollback();
                } catch (JMSException e) {
                    LOG.debug("rolling back an abandoned local transaction: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void destroy() throws ResourceException {
        if (destroyed) {
            return;
        }
        cleanup();
        destroyed = true;
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            physical.close();
        } catch (JMSException | RuntimeException e) {
            LOG.debug("closing a pooled Wharf connection: {}", e.toString());
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        return xaResource;
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        return new WharfLocalTransaction(this);
    }

    @Override
    public ManagedConnectionMetaData getMetaData() throws ResourceException {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "Wharf";
            }

            @Override
            public String getEISProductVersion() throws ResourceException {
                try {
                    return physical.getMetaData().getProviderVersion();
                } catch (JMSException e) {
                    throw new ResourceException(e.getMessage(), e);
                }
            }

            @Override
            public int getMaxConnections() {
                return 0;
            }

            @Override
            public String getUserName() {
                return credentials.user();
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    // Visible for testing
    int openHandles() {
        return handles.size();
    }

    @Override
    public String toString() {
        return "WharfManagedConnection[" + physical + "]";
    }
}
