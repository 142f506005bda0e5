package dev.wharf.jms;

import dev.wharf.protocol.WireXid;
import dev.wharf.protocol.frame.CommitFrame;
import jakarta.jms.JMSException;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TopicSession;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XASession;
import jakarta.jms.XATopicSession;
import javax.transaction.xa.XAResource;

/**
 * A session whose work a transaction manager commits through its {@link XAResource}. Between
 * {@code start} and {@code end} its sends and the messages it consumes belong to that XA branch;
 * outside a branch every send and every consumed message is committed on its own, as in
 * AUTO_ACKNOWLEDGE. {@link #commit()} and {@link #rollback()} are not allowed: the transaction
 * manager decides.
 */
final class JmsXASession extends JmsSession implements XASession, XAQueueSession, XATopicSession {

    private final WharfXAResource resource;
    /** The branch the session works for, or null. */
    private volatile WireXid branch;
    /** The branches the session suspended its work for (TMSUSPEND) and may resume; guarded by itself. */
    private final java.util.Set<WireXid> suspended = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());

    JmsXASession(JmsConnection connection, long id) {
        super(connection, id, Session.SESSION_TRANSACTED, Domain.ANY);
        this.resource = new WharfXAResource(this);
    }

    WireXid branch() {
        return branch;
    }

    void branch(WireXid xid) {
        branch = xid;
    }

    /** The branches the session suspended its work for, mutable. */
    java.util.Set<WireXid> suspended() {
        return suspended;
    }

    @Override
    public Session getSession() throws JMSException {
        checkClosed();
        return this;
    }

    @Override
    public QueueSession getQueueSession() throws JMSException {
        checkClosed();
        return this;
    }

    @Override
    public TopicSession getTopicSession() throws JMSException {
        checkClosed();
        return this;
    }

    @Override
    public XAResource getXAResource() {
        return resource;
    }

    @Override
    public boolean getTransacted() throws JMSException {
        checkClosed();
        return true;
    }

    @Override
    public void commit() throws JMSException {
        checkClosed();
        throw new TransactionInProgressException("an XASession is committed by its transaction manager through"
                + " getXAResource(), not by commit()");
    }

    @Override
    public void rollback() throws JMSException {
        checkClosed();
        throw new TransactionInProgressException("an XASession is rolled back by its transaction manager through"
                + " getXAResource(), not by rollback()");
    }

    @Override
    boolean stagesSendsWithoutWaiting() {
        return false;
    }

    @Override
    boolean commitsEachSend() {
        return branch == null;
    }

    @Override
    void afterSend() throws JMSException {
        connection().call(new CommitFrame(id(), new long[0]), JmsConnection.AfterFailover.ROLLED_BACK, "COMMIT");
    }

    @Override
    void afterConsumed(Delivery d) throws JMSException {
        if (branch != null) {
            super.afterConsumed(d);
        } else {
            connection().call(new CommitFrame(id(), new long[] {d.id()}), null, JmsConnection.AfterFailover.ROLLED_BACK,
                    d.generation(), "COMMIT");
        }
    }
}
