package dev.wharf.jms;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.WireXid;
import dev.wharf.protocol.frame.XaFrame;
import dev.wharf.protocol.frame.XaResultFrame;
import jakarta.jms.JMSException;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XAResource of a {@link JmsXASession}: each call is one XA request to the broker, which keeps
 * the branches (a prepared branch is journaled and survives a broker crash). Errors come back with
 * the XA error code the broker chose; a lost connection is {@code XAER_RMFAIL}.
 *
 * <p>Every resource of one broker is the same resource manager ({@link #isSameRM}), so a
 * transaction manager may start a branch on one session and join it (TMJOIN) from sessions of
 * other connections; the branch collects the work of all of them, and any resource of the broker
 * prepares, commits or rolls it back. {@code end(xid, TMFAIL)} returns normally and marks the
 * branch rollback-only (its work is rolled back at once); the later {@code prepare} or one-phase
 * {@code commit} throws {@code XA_RBROLLBACK}. Closing a session or connection while it is active
 * in (or suspended from) a branch does the same; a branch it already ended with TMSUCCESS is not
 * affected and waits for the transaction manager or its timeout.
 *
 * <p>Each call blocks until the broker answers or the connection's request timeout passes.
 */
final class WharfXAResource implements XAResource {

    private static final int VALID_START_FLAGS = TMJOIN | TMRESUME;
    private static final int VALID_END_FLAGS = TMSUCCESS | TMFAIL | TMSUSPEND;

    private final JmsXASession session;
    private volatile int timeoutSeconds;
    private boolean scanning;

    WharfXAResource(JmsXASession session) {
        this.session = session;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        WireXid x = wire(xid);
        if ((flags & ~VALID_START_FLAGS) != 0 || flags == (TMJOIN | TMRESUME)) {
            throw error(XAException.XAER_INVAL, "start: flags " + Integer.toHexString(flags)
                    + " (expected: TMNOFLAGS, TMJOIN or TMRESUME)");
        }
        WireXid previous = session.branch();
        if (previous != null) {
            endAbandoned(previous);
        }
        call(new XaFrame(XaFrame.Op.START, session.id(), x, flags, null, timeoutSeconds));
        session.suspended().remove(x);
        session.branch(x);
    }

    /**
     * The session still works for {@code previous} as far as it knows, and is asked to start
     * another branch. That is legal only if the broker ended the association itself, which it does
     * when the transaction manager rolls the branch back while the session is still active in it
     * (GlassFish does, for a joined outbound session). The broker then takes back what the session
     * consumed since (it belongs to the dead branch, not to the next one); otherwise it answers
     * XAER_PROTO and nothing changes.
     */
    private void endAbandoned(WireXid previous) throws XAException {
        List<Delivery> consumed = session.drainConsumedDeliveries();
        long[] ids = consumed.stream().mapToLong(Delivery::id).toArray();
        try {
            call(new XaFrame(XaFrame.Op.END, session.id(), previous, XaFrame.ABANDONED, ids, 0));
        } catch (XAException e) {
            session.restoreConsumed(consumed);
            if (e.errorCode == XAException.XAER_PROTO) {
                throw error(XAException.XAER_PROTO, "start: the session already works for " + previous + "; end it first");
            }
            throw e;
        }
        session.branch(null);
    }

    /**
     * Ends the session's association with {@code xid}: the active one, or (TMSUCCESS, TMFAIL) one it
     * suspended. TMFAIL returns normally; the branch is then rollback-only and its prepare or
     * one-phase commit throws {@code XA_RBROLLBACK}. Ending an association of a branch that is
     * rollback-only already, with TMSUCCESS or TMSUSPEND, throws its {@code XA_RB*} code.
     */
    @Override
    public void end(Xid xid, int flags) throws XAException {
        WireXid x = wire(xid);
        if (flags != TMSUCCESS && flags != TMFAIL && flags != TMSUSPEND || (flags & ~VALID_END_FLAGS) != 0) {
            throw error(XAException.XAER_INVAL, "end: flags " + Integer.toHexString(flags)
                    + " (expected: TMSUCCESS, TMFAIL or TMSUSPEND)");
        }
        long[] consumed;
        if (x.equals(session.branch())) {
            consumed = session.drainConsumed();
            session.branch(null);
            if (flags == TMSUSPEND) {
                session.suspended().add(x);
            }
        } else if (flags != TMSUSPEND && session.suspended().remove(x)) {
            // A suspended association did its work before it was suspended; what the session
            // consumed since belongs to the branch it is active in now, if any.
            consumed = new long[0];
        } else {
            throw error(XAException.XAER_PROTO, "end: the session " + (session.suspended().contains(x)
                    ? "has suspended its work for " + x + " already" : "does not work for " + x));
        }
        call(new XaFrame(XaFrame.Op.END, session.id(), x, flags, consumed, 0));
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return call(new XaFrame(XaFrame.Op.PREPARE, 0, wire(xid), TMNOFLAGS, null, 0)).code();
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        call(new XaFrame(XaFrame.Op.COMMIT, 0, wire(xid), onePhase ? TMONEPHASE : TMNOFLAGS, null, 0));
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        call(new XaFrame(XaFrame.Op.ROLLBACK, 0, wire(xid), TMNOFLAGS, null, 0));
    }

    @Override
    public void forget(Xid xid) throws XAException {
        call(new XaFrame(XaFrame.Op.FORGET, 0, wire(xid), TMNOFLAGS, null, 0));
    }

    /**
     * Every prepared branch at the broker, whoever prepared it, at the start of a scan
     * ({@code TMSTARTRSCAN}, or {@code TMNOFLAGS} outside a scan); nothing more until the scan ends.
     */
    @Override
    public synchronized Xid[] recover(int flag) throws XAException {
        if ((flag & ~(TMSTARTRSCAN | TMENDRSCAN)) != 0) {
            throw error(XAException.XAER_INVAL, "recover: flag " + Integer.toHexString(flag)
                    + " (expected: TMSTARTRSCAN, TMENDRSCAN, both, or TMNOFLAGS)");
        }
        boolean start = (flag & TMSTARTRSCAN) != 0 || (flag == TMNOFLAGS && !scanning);
        scanning = (flag & TMENDRSCAN) == 0;
        if (!start) {
            return new Xid[0];
        }
        List<WireXid> xids = call(new XaFrame(XaFrame.Op.RECOVER, 0, null, flag, null, 0)).xids();
        Xid[] out = new Xid[xids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new WharfXid(xids.get(i));
        }
        return out;
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other instanceof WharfXAResource o && o.session.connection().brokerIdentity()
                .equals(session.connection().brokerIdentity());
    }

    @Override
    public int getTransactionTimeout() {
        return timeoutSeconds;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        if (seconds < 0) {
            throw error(XAException.XAER_INVAL, "setTransactionTimeout: " + seconds + " (expected: >= 0)");
        }
        timeoutSeconds = seconds;
        return true;
    }

    private XaResultFrame call(XaFrame request) throws XAException {
        Frame answer;
        try {
            session.checkClosed();
            answer = session.connection().call(request, JmsConnection.AfterFailover.FAIL, "XA " + request.op());
        } catch (JMSException e) {
            XAException x = error(XAException.XAER_RMFAIL, "XA " + request.op() + " failed: " + e.getMessage());
            x.initCause(e);
            throw x;
        }
        if (!(answer instanceof XaResultFrame result)) {
            throw error(XAException.XAER_RMERR, "XA " + request.op() + ": unexpected answer " + answer.type());
        }
        if (result.isError()) {
            throw error(result.code(), result.message());
        }
        return result;
    }

    private static XAException error(int code, String message) {
        XAException e = new XAException(message);
        e.errorCode = code;
        return e;
    }

    private static WireXid wire(Xid xid) throws XAException {
        if (xid == null) {
            throw error(XAException.XAER_INVAL, "the Xid is null");
        }
        byte[] gtrid = xid.getGlobalTransactionId();
        byte[] bqual = xid.getBranchQualifier();
        if (gtrid == null || bqual == null || gtrid.length > Xid.MAXGTRIDSIZE || bqual.length > Xid.MAXBQUALSIZE) {
            throw error(XAException.XAER_INVAL, "the Xid's parts must be present and at most 64 bytes");
        }
        return new WireXid(xid.getFormatId(), gtrid, bqual);
    }

    /** An Xid the broker reported for recovery. */
    record WharfXid(WireXid wire) implements Xid {
        @Override
        public int getFormatId() {
            return wire.formatId();
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return wire.globalTransactionId();
        }

        @Override
        public byte[] getBranchQualifier() {
            return wire.branchQualifier();
        }
    }
}
