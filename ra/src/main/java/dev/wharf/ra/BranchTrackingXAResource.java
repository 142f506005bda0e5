package dev.wharf.ra;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XAResource of a Wharf XA session, as the adapter hands it to the container: each call goes
 * to the session's own resource, and the wrapper remembers whether the session is in a branch now
 * and whether one was started since {@link #deliveryStarts()}.
 *
 * <p>Thread-safe: the flags are volatile, written by whichever thread the transaction manager
 * calls from and read by the session's thread.
 */
final class BranchTrackingXAResource implements XAResource {

    private final XAResource delegate;
    private volatile boolean inBranch;
    private volatile boolean startedSinceMark;

    BranchTrackingXAResource(XAResource delegate) {
        this.delegate = delegate;
    }

    XAResource delegate() {
        return delegate;
    }

    /** True between a successful start and the matching end. */
    boolean inBranch() {
        return inBranch;
    }

    void deliveryStarts() {
        startedSinceMark = false;
    }

    boolean branchStartedDuringDelivery() {
        return startedSinceMark;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        delegate.start(xid, flags);
        inBranch = true;
        startedSinceMark = true;
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        inBranch = false;
        delegate.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return delegate.prepare(xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        delegate.commit(xid, onePhase);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        delegate.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        delegate.forget(xid);
    }

    /** Every in-doubt branch at the broker (the client's resource lists them all). */
    @Override
    public Xid[] recover(int flag) throws XAException {
        return delegate.recover(flag);
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        XAResource o = other instanceof BranchTrackingXAResource t ? t.delegate : other;
        return delegate.isSameRM(o);
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return delegate.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return delegate.setTransactionTimeout(seconds);
    }

    @Override
    public String toString() {
        return "WharfXAResource[" + delegate + "]";
    }
}
