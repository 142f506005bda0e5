package dev.wharf.server.internal.core;

import dev.wharf.protocol.WireXid;
import dev.wharf.server.internal.store.JournalStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XA transaction branches of the broker, by Xid. A branch collects the work of every session
 * associated with it (START ... END), whichever connection the session belongs to: their staged
 * sends and the deliveries they consumed. PREPARE stages that work in a journal transaction and
 * prepares it with the Xid, so the branch survives a crash in doubt; COMMIT or ROLLBACK resolve it,
 * from any connection. One-phase COMMIT skips the prepare.
 *
 * <p>Associations. START with TMNOFLAGS creates the branch; TMJOIN adds another session (of this
 * or another connection); END with TMSUSPEND suspends a session's association and START with
 * TMRESUME resumes it, from that same session only. A suspended association still counts: the
 * branch is idle, and may be prepared or committed, only when no session is active in it or
 * suspended from it. END with TMSUCCESS (also allowed on a suspended association) hands the
 * session's work to the branch and dissolves the association; the branch then outlives the session
 * and its connection and waits for PREPARE, COMMIT or ROLLBACK, or for its timeout.
 *
 * <p>Failure. END with TMFAIL, or a session or connection closing while one of its sessions is
 * still active in (or suspended from) the branch, marks the branch rollback-only: its work is
 * rolled back at once (sends discarded, consumed messages back on their queues, redelivered) and
 * PREPARE and one-phase COMMIT answer {@code XA_RBROLLBACK} ({@code XA_RBTIMEOUT} after a
 * timeout). END with TMFAIL itself returns normally: XA allows it to return {@code XA_RB*}, but
 * transaction managers differ in what they make of an exception from a call whose purpose is to
 * report a failure (some log it as an error), while every one of them handles {@code XA_RB*}
 * from prepare or commit. Ending another association of a rollback-only branch with TMSUCCESS or
 * TMSUSPEND answers {@code XA_RB*} and gives that session's work back too.
 *
 * <p>Rollback. ROLLBACK is accepted whatever the associations: a session still active in the
 * branch is let go at once, and its END (or the one its client sends by itself before the next
 * START) gives back what it did in the branch; see {@link #abandonAssociations}.
 *
 * <p>A branch without a timeout whose transaction manager never resolves it holds the messages it
 * consumed until the broker restarts (an unprepared branch is not journaled).
 *
 * <p>Return values and errors are the {@code javax.transaction.xa} codes, so the client can hand
 * them to the transaction manager as they are. Not thread-safe; confined to the broker thread.
 */
final class XaBranches {
    private static final Logger LOG = LoggerFactory.getLogger(XaBranches.class);

    // javax.transaction.xa codes (the broker does not depend on the JTA API).
    static final int XA_OK = 0;
    static final int XA_RDONLY = 3;
    static final int XA_RBROLLBACK = 100;
    static final int XA_RBTIMEOUT = 106;
    static final int XAER_RMERR = -3;
    static final int XAER_NOTA = -4;
    static final int XAER_INVAL = -5;
    static final int XAER_PROTO = -6;
    static final int XAER_DUPID = -8;
    static final int TMNOFLAGS = 0;
    static final int TMSUCCESS = 0x04000000;
    static final int TMJOIN = 0x00200000;
    static final int TMRESUME = 0x08000000;
    static final int TMFAIL = 0x20000000;
    static final int TMSUSPEND = 0x02000000;
    static final int TMONEPHASE = 0x40000000;

    /** An XA outcome the client turns into a return value or an XAException. */
    static final class XaException extends Exception {
        final int code;

        XaException(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** The branch states of the XA specification that the broker distinguishes. */
    enum State { ACTIVE, IDLE, ROLLBACK_ONLY, PREPARED }

    /** One session's association with a branch. */
    private static final class Association {
        final BrokerConnection connection;
        boolean suspended;

        Association(BrokerConnection connection) {
            this.connection = connection;
        }
    }

    static final class Branch {
        final WireXid xid;
        final List<StoredMessage> sends = new ArrayList<>();
        final List<MessageRef> acked = new ArrayList<>();
        /** The sessions active in or suspended from the branch; empty once prepared or recovered. */
        private final Map<ServerSession, Association> associations = new LinkedHashMap<>();
        boolean prepared;
        boolean rollbackOnly;
        boolean timedOut;
        Broker.StagedTransaction staged;
        Scheduler.Cancellable timeout;

        Branch(WireXid xid) {
            this.xid = xid;
        }

        State state() {
            if (prepared) {
                return State.PREPARED;
            }
            if (rollbackOnly) {
                return State.ROLLBACK_ONLY;
            }
            return associations.isEmpty() ? State.IDLE : State.ACTIVE;
        }

        private int rollbackCode() {
            return timedOut ? XA_RBTIMEOUT : XA_RBROLLBACK;
        }
    }

    private final Broker broker;
    private final JournalStore store;
    private final Scheduler scheduler;
    private final Map<WireXid, Branch> branches = new LinkedHashMap<>();

    XaBranches(Broker broker, JournalStore store, Scheduler scheduler) {
        this.broker = broker;
        this.store = store;
        this.scheduler = scheduler;
    }

    /** A prepared branch found in the journal at recovery. */
    void recovered(WireXid xid, Broker.StagedTransaction staged) {
        Branch b = new Branch(xid);
        b.prepared = true;
        b.staged = staged;
        branches.put(xid, b);
        LOG.warn("XA branch {} is prepared and in doubt; it waits for the transaction manager to commit or roll it back", xid);
    }

    /** The branch's state, or null when there is no such branch (tests). */
    State state(WireXid xid) {
        Branch b = branches.get(xid);
        return b == null ? null : b.state();
    }

    /** How many sessions are active in or suspended from the branch (tests). */
    int associationCount(WireXid xid) {
        Branch b = branches.get(xid);
        return b == null ? 0 : b.associations.size();
    }

    /**
     * START: associates {@code session} of {@code conn} with a new branch (TMNOFLAGS), with an
     * existing one (TMJOIN), or resumes its suspended association (TMRESUME). The caller has
     * checked that the session is not active in another branch.
     */
    void start(BrokerConnection conn, ServerSession session, WireXid xid, int flags, int timeoutSeconds) throws XaException {
        Branch b = branches.get(xid);
        if (flags == TMJOIN || flags == TMRESUME) {
            if (b == null) {
                throw new XaException(XAER_NOTA, "no XA branch " + xid + " to join or resume");
            }
            if (b.prepared) {
                throw new XaException(XAER_PROTO, "XA branch " + xid + " is prepared; it can only be committed or rolled back");
            }
            Association a = b.associations.get(session);
            if (b.rollbackOnly) {
                b.associations.remove(session);
                throw new XaException(b.rollbackCode(), "XA branch " + xid + " is marked rollback-only");
            }
            if (flags == TMJOIN) {
                if (a != null) {
                    throw new XaException(XAER_PROTO, "session " + session.id() + " is already associated with XA branch "
                            + xid + (a.suspended ? "; resume it with TMRESUME" : ""));
                }
                b.associations.put(session, new Association(conn));
            } else {
                if (a == null || !a.suspended) {
                    throw new XaException(XAER_PROTO, "session " + session.id() + " has no suspended association with XA branch "
                            + xid + " to resume; a suspended association is resumed by the session that suspended it");
                }
                a.suspended = false;
            }
            return;
        }
        if (flags != TMNOFLAGS) {
            throw new XaException(XAER_INVAL, "start: flags 0x" + Integer.toHexString(flags)
                    + " (expected: TMNOFLAGS, TMJOIN or TMRESUME)");
        }
        if (b != null) {
            throw new XaException(XAER_DUPID, "XA branch " + xid + " already exists; start it with TMJOIN or TMRESUME");
        }
        b = new Branch(xid);
        b.associations.put(session, new Association(conn));
        branches.put(xid, b);
        if (timeoutSeconds > 0) {
            Branch branch = b;
            b.timeout = scheduler.schedule(timeoutSeconds * 1000L, () -> timeOut(branch));
        }
    }

    private void timeOut(Branch b) {
        if (branches.get(b.xid) == b && !b.prepared && !b.rollbackOnly) {
            LOG.info("XA branch {} timed out before it was prepared; rolling its work back", b.xid);
            b.timedOut = true;
            markRollbackOnly(b);
        }
    }

    /**
     * END: the session's work ({@code sends}, {@code consumed}) moves into the branch. TMSUCCESS
     * dissolves the association, TMSUSPEND suspends it, TMFAIL dissolves it and marks the branch
     * rollback-only (and returns normally; see the class comment). Work that cannot go into the
     * branch is given back: sends discarded, consumed messages returned redelivered.
     */
    void end(ServerSession session, WireXid xid, int flags, List<StoredMessage> sends, List<MessageRef> consumed)
            throws XaException {
        if (flags != TMSUCCESS && flags != TMFAIL && flags != TMSUSPEND) {
            giveBack(sends, consumed);
            throw new XaException(XAER_INVAL, "end: flags 0x" + Integer.toHexString(flags)
                    + " (expected: TMSUCCESS, TMFAIL or TMSUSPEND)");
        }
        Branch b = branches.get(xid);
        if (b == null) {
            giveBack(sends, consumed);
            throw new XaException(XAER_NOTA, "no XA branch " + xid + " (it was rolled back, or never started)");
        }
        Association a = b.associations.get(session);
        if (a == null) {
            giveBack(sends, consumed);
            throw new XaException(XAER_PROTO, "session " + session.id() + " is not associated with XA branch " + xid);
        }
        if (flags == TMSUSPEND && a.suspended) {
            giveBack(sends, consumed);
            throw new XaException(XAER_PROTO, "the association of session " + session.id() + " with XA branch " + xid
                    + " is already suspended");
        }
        if (b.rollbackOnly) {
            b.associations.remove(session);
            giveBack(sends, consumed);
            if (flags == TMFAIL) {
                return;
            }
            throw new XaException(b.rollbackCode(), "XA branch " + xid
                    + (b.timedOut ? " timed out" : " is marked rollback-only") + "; its work is rolled back");
        }
        b.sends.addAll(sends);
        b.acked.addAll(consumed);
        switch (flags) {
            case TMSUSPEND -> a.suspended = true;
            case TMFAIL -> {
                b.associations.remove(session);
                LOG.debug("XA branch {} ended with TMFAIL by session {}; it is rollback-only", xid, session.id());
                markRollbackOnly(b);
            }
            default -> b.associations.remove(session);
        }
    }

    /**
     * A session closed (CLOSE_SESSION). Its own uncommitted work the caller gives back; an
     * association it still had (active or suspended) fails, so those branches become rollback-only.
     */
    void sessionClosed(ServerSession session) {
        for (Branch b : List.copyOf(branches.values())) {
            Association a = b.associations.remove(session);
            if (a != null) {
                failAssociation(b, "session " + session.id() + " of connection " + a.connection.connectionId()
                        + " closed while " + (a.suspended ? "suspended from" : "active in") + " it");
            }
        }
    }

    /**
     * A connection closed. Like {@link #sessionClosed} for each of its sessions still active in or
     * suspended from a branch; branches its sessions only ended (TMSUCCESS) are left alone, and so
     * is the work other connections did.
     */
    void connectionClosed(BrokerConnection conn) {
        for (Branch b : List.copyOf(branches.values())) {
            int before = b.associations.size();
            b.associations.values().removeIf(a -> a.connection == conn);
            if (b.associations.size() != before) {
                failAssociation(b, "connection " + conn.connectionId() + " closed with a session still associated");
            }
        }
    }

    private void failAssociation(Branch b, String why) {
        if (b.prepared || b.rollbackOnly) {
            return;
        }
        LOG.warn("XA branch {} is rolled back and marked rollback-only: {}", b.xid, why);
        markRollbackOnly(b);
    }

    /** PREPARE: stages the branch's work and prepares it durably; XA_RDONLY when it did nothing. */
    CompletableFuture<Integer> prepare(WireXid xid) throws XaException {
        Branch b = idleBranch(xid, "prepared");
        cancelTimeout(b);
        if (b.sends.isEmpty() && b.acked.isEmpty()) {
            branches.remove(xid);
            return CompletableFuture.completedFuture(XA_RDONLY);
        }
        try {
            b.staged = broker.stage(b.sends, b.acked);
        } catch (BrokerException e) {
            branches.remove(xid);
            discardWork(b);
            throw new XaException(XA_RBROLLBACK, "XA branch " + xid + " cannot be prepared and is rolled back: " + e.getMessage());
        }
        b.prepared = true;
        return b.staged.tx().prepare(encode(xid)).thenApply(v -> XA_OK);
    }

    /** COMMIT: one-phase (stage and commit now) or of a prepared branch. */
    CompletableFuture<Void> commit(WireXid xid, boolean onePhase, Executor brokerThread) throws XaException {
        Branch b = branches.get(xid);
        if (b == null) {
            throw new XaException(XAER_NOTA, "no XA branch " + xid + " (already committed or rolled back?)");
        }
        if (onePhase) {
            if (b.prepared) {
                throw new XaException(XAER_PROTO, "XA branch " + xid + " is prepared; commit it without TMONEPHASE");
            }
            idleBranch(xid, "committed");
            cancelTimeout(b);
            branches.remove(xid);
            CompletableFuture<Void> done = broker.commit(b.sends, b.acked, brokerThread);
            return done.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                    new XaException(XA_RBROLLBACK, "XA branch " + xid + " could not commit and was rolled back: " + describe(e))));
        }
        if (!b.prepared) {
            throw new XaException(XAER_PROTO, "XA branch " + xid + " is not prepared; prepare it or commit with TMONEPHASE");
        }
        branches.remove(xid);
        Broker.StagedTransaction st = b.staged;
        // A failed end leaves the branch prepared in the journal, for a restart to find.
        return broker.discardOnFailure(store.commitPrepared(st.tx().id()).thenRunAsync(() -> broker.applyCommitted(st),
                brokerThread), st, brokerThread);
    }

    /**
     * ROLLBACK: of any branch, whatever its associations. A transaction manager rolls back a
     * transaction whose branch another session is still active in (GlassFish does so after an MDB
     * fails, with the pooled outbound session of the same broker still joined), and refusing it
     * left that session bound to a branch nobody would end. The sessions still associated are let
     * go (see {@link #abandonAssociations}); the work they did in the branch is rolled back with it.
     */
    CompletableFuture<Void> rollback(WireXid xid, Executor brokerThread) throws XaException {
        Branch b = branches.get(xid);
        if (b == null) {
            throw new XaException(XAER_NOTA, "no XA branch " + xid + " (already committed or rolled back?)");
        }
        abandonAssociations(b);
        branches.remove(xid);
        cancelTimeout(b);
        if (!b.prepared) {
            discardWork(b);
            return CompletableFuture.completedFuture(null);
        }
        Broker.StagedTransaction st = b.staged;
        return broker.discardOnFailure(store.rollbackPrepared(st.tx().id()).thenRunAsync(() -> broker.applyRolledBack(st),
                brokerThread), st, brokerThread);
    }

    /** The prepared branches, for the transaction manager's recovery. */
    List<WireXid> recover() {
        List<WireXid> out = new ArrayList<>();
        for (Branch b : branches.values()) {
            if (b.prepared) {
                out.add(b.xid);
            }
        }
        return out;
    }

    /** FORGET: the broker never decides a branch heuristically, so there is nothing to forget. */
    void forget(WireXid xid) throws XaException {
        throw new XaException(branches.containsKey(xid) ? XAER_PROTO : XAER_NOTA,
                "XA branch " + xid + " has no heuristic outcome to forget");
    }

    /**
     * The branch ends while sessions are still associated with it. A session active in it stops
     * working for it at once: its staged sends are discarded, and it remembers the branch
     * ({@link ServerSession#abandonedXid}) so that its END, or the END its client sends by itself
     * before the next START, gives back what it consumed in the branch instead of handing that to
     * another one. A suspended association has no staged work; its END or TMRESUME answers XAER_NOTA.
     */
    private void abandonAssociations(Branch b) {
        for (Map.Entry<ServerSession, Association> e : b.associations.entrySet()) {
            ServerSession s = e.getKey();
            if (!e.getValue().suspended && b.xid.equals(s.xid())) {
                LOG.debug("XA branch {} ends while session {} of connection {} is still active in it", b.xid, s.id(),
                        e.getValue().connection.connectionId());
                s.xid(null);
                s.abandonedXid(b.xid);
                broker.discardUnused(s.takeStaged());
            }
        }
        b.associations.clear();
    }

    /**
     * END of an association that {@link #abandonAssociations} ended at the broker: the sends the
     * session staged since are discarded and {@code consumed} returns to its queues, redelivered.
     */
    void endAbandoned(ServerSession session, List<MessageRef> consumed) {
        session.abandonedXid(null);
        giveBack(session.takeStaged(), consumed);
    }

    /**
     * The branch, when it may be prepared or committed in one phase: not prepared, no session
     * active in or suspended from it. A rollback-only branch is removed and answered with its
     * XA_RB code (its work was rolled back when it was marked).
     */
    private Branch idleBranch(WireXid xid, String what) throws XaException {
        Branch b = branches.get(xid);
        if (b == null) {
            throw new XaException(XAER_NOTA, "no XA branch " + xid + " to be " + what);
        }
        switch (b.state()) {
            case ACTIVE -> throw new XaException(XAER_PROTO, "XA branch " + xid + " still has " + b.associations.size()
                    + " session(s) active in or suspended from it; end every association first");
            case PREPARED -> throw new XaException(XAER_PROTO, "XA branch " + xid + " is already prepared");
            case ROLLBACK_ONLY -> {
                abandonAssociations(b);
                branches.remove(xid);
                cancelTimeout(b);
                discardWork(b);
                throw new XaException(b.rollbackCode(), "XA branch " + xid
                        + (b.timedOut ? " timed out" : " was marked rollback-only") + " and is rolled back");
            }
            default -> {
                return b;
            }
        }
    }

    /** Rolls the branch's work back now and makes PREPARE and COMMIT answer its XA_RB code. */
    private void markRollbackOnly(Branch b) {
        b.rollbackOnly = true;
        discardWork(b);
    }

    /** Forgets the branch's sends and returns the messages it consumed to their queues. */
    private void discardWork(Branch b) {
        List<StoredMessage> sends = new ArrayList<>(b.sends);
        b.sends.clear();
        List<MessageRef> back = new ArrayList<>(b.acked);
        b.acked.clear();
        giveBack(sends, back);
    }

    /** Work that does not go into a branch: sends discarded, consumed messages returned redelivered. */
    private void giveBack(List<StoredMessage> sends, List<MessageRef> consumed) {
        broker.discardUnused(sends);
        broker.returnRefs(consumed, true);
    }

    private static void cancelTimeout(Branch b) {
        if (b.timeout != null) {
            b.timeout.cancel();
            b.timeout = null;
        }
    }

    private static String describe(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }

    /** The prepare record's data: the Xid in its wire form. */
    static byte[] encode(WireXid xid) {
        return dev.wharf.server.internal.store.StoreRecords.encodeXid(xid);
    }

    static WireXid decode(byte[] data) {
        return dev.wharf.server.internal.store.StoreRecords.decodeXid(data);
    }
}
