package dev.wharf.ra;

import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An XAResource for the transaction manager's recovery scan (from
 * {@link WharfResourceAdapter#getXAResources}): it connects on first use, and again after its
 * connection failed, so recovery works whether or not the broker was up when it was handed out.
 * {@code recover} lists every in-doubt branch at the broker.
 *
 * <p>Thread-safe: guarded by {@code this}.
 */
final class RecoveryXAResource implements XAResource {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryXAResource.class);

    private final ConnectionSettings settings;
    private XAConnection connection;
    private XAResource resource;
    private int timeoutSeconds;

    RecoveryXAResource(ConnectionSettings settings) {
        this.settings = settings;
    }

    private interface Call<T> {
        T apply(XAResource r) throws XAException;
    }

    private synchronized <T> T call(Call<T> c) throws XAException {
        if (resource == null) {
            try {
                connection = settings.xaFactory().createXAConnection();
                resource = connection.createXASession().getXAResource();
                if (timeoutSeconds > 0) {
                    resource.setTransactionTimeout(timeoutSeconds);
                }
            } catch (JMSException e) {
                close();
                XAException x = new XAException("cannot reach the Wharf broker at " + settings + " for recovery: " + e.getMessage());
                x.errorCode = XAException.XAER_RMFAIL;
                x.initCause(e);
                throw x;
            }
        }
        try {
            return c.apply(resource);
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_RMFAIL) {
                // The connection is gone; the next call makes a new one.
                close();
            }
            throw e;
        }
    }

    /** Closes the connection; a later call opens a new one. */
    synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException e) {
                LOG.debug("closing the recovery connection to {}: {}", settings, e.toString());
            }
        }
        connection = null;
        resource = null;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        call(r -> {
            r.start(xid, flags);
            return null;
        });
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        call(r -> {
            r.end(xid, flags);
            return null;
        });
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return call(r -> r.prepare(xid));
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        call(r -> {
            r.commit(xid, onePhase);
            return null;
        });
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        call(r -> {
            r.rollback(xid);
            return null;
        });
    }

    @Override
    public void forget(Xid xid) throws XAException {
        call(r -> {
            r.forget(xid);
            return null;
        });
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return call(r -> r.recover(flag));
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        if (other == this) {
            return true;
        }
        XAResource o = other instanceof BranchTrackingXAResource t ? t.delegate() : other;
        return call(r -> r.isSameRM(o));
    }

    @Override
    public synchronized int getTransactionTimeout() {
        return timeoutSeconds;
    }

    @Override
    public synchronized boolean setTransactionTimeout(int seconds) throws XAException {
        timeoutSeconds = seconds;
        return resource == null || resource.setTransactionTimeout(seconds);
    }

    @Override
    public String toString() {
        return "WharfRecoveryXAResource[" + settings + "]";
    }
}
