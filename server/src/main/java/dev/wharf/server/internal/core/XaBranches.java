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
 * The XA transaction branches of the broker, by Xid. A branch collects the work of the sessions
 * associated with it (START ... END): their staged sends and the deliveries they consumed. PREPARE
 * stages that work in a journal transaction and prepares it with the Xid, so the branch survives a
 * crash in doubt; COMMIT or ROLLBACK resolve it, from any connection. One-phase COMMIT skips the
 * prepare. A branch that is not prepared rolls back when its timeout passes or the connection that
 * did its work closes.
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

    enum State { ACTIVE, IDLE, ROLLBACK_ONLY, PREPARED }

    static final class Branch {
        final WireXid xid;
        State state = State.ACTIVE;
        final List<StoredMessage> sends = new ArrayList<>();
        final List<MessageRef> acked = new ArrayList<>();
        /** The connection whose sessions did the work; null once prepared or recovered. */
        BrokerConnection owner;
        int associations;
        Broker.StagedTransaction staged;
        Scheduler.Cancellable timeout;
        boolean timedOut;

        Branch(WireXid xid) {
            this.xid = xid;
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
        b.state = State.PREPARED;
        b.staged = staged;
        branches.put(xid, b);
        LOG.warn("XA branch {} is prepared and in doubt; it waits for the transaction manager to commit or roll it back", xid);
    }

    /** START: associates a session with a new branch (flags 0), or with an existing one (TMJOIN, TMRESUME). */
    void start(BrokerConnection conn, WireXid xid, int flags, int timeoutSeconds) throws XaException {
        Branch b = branches.get(xid);
        if ((flags & (TMJOIN | TMRESUME)) != 0) {
            if (b == null) {
                throw new XaException(XAER_NOTA, "no XA branch " + xid + " to join or resume");
            }
            if (b.state == State.PREPARED) {
                throw new XaException(XAER_PROTO, "XA branch " + xid + " is prepared; it can only be committed or rolled back");
            }
            if (b.state == State.ROLLBACK_ONLY) {
                throw new XaException(b.timedOut ? XA_RBTIMEOUT : XA_RBROLLBACK, "XA branch " + xid + " is marked rollback-only");
            }
            b.state = State.ACTIVE;
            b.associations++;
            return;
        }
        if (b != null) {
            throw new XaException(XAER_DUPID, "XA branch " + xid + " already exists; start it with TMJOIN or TMRESUME");
        }
        b = new Branch(xid);
        b.owner = conn;
        b.associations = 1;
        branches.put(xid, b);
        if (timeoutSeconds > 0) {
            Branch branch = b;
            b.timeout = scheduler.schedule(timeoutSeconds * 1000L, () -> timeOut(branch));
        }
    }

    private void timeOut(Branch b) {
        if (branches.get(b.xid) == b && b.state != State.PREPARED && b.state != State.ROLLBACK_ONLY) {
            LOG.info("XA branch {} timed out before it was prepared; rolling its work back", b.xid);
            b.timedOut = true;
            discardWork(b);
            b.state = State.ROLLBACK_ONLY;
        }
    }

    /** END: the session's work moves into the branch; TMFAIL marks it rollback-only. */
    void end(WireXid xid, int flags, List<StoredMessage> sends, List<MessageRef> consumed) throws XaException {
        Branch b = branches.get(xid);
        if (b == null) {
            broker.returnRefs(consumed, true);
            throw new XaException(XAER_NOTA, "no XA branch " + xid + " (it timed out, or was never started)");
        }
        if (b.state == State.PREPARED) {
            broker.returnRefs(consumed, true);
            throw new XaException(XAER_PROTO, "XA branch " + xid + " is already prepared");
        }
        if (b.state == State.ROLLBACK_ONLY) {
            broker.returnRefs(consumed, true);
            throw new XaException(b.timedOut ? XA_RBTIMEOUT : XA_RBROLLBACK, "XA branch " + xid + " is marked rollback-only");
        }
        b.sends.addAll(sends);
        b.acked.addAll(consumed);
        b.associations = Math.max(0, b.associations - 1);
        if ((flags & TMFAIL) != 0) {
            discardWork(b);
            b.state = State.ROLLBACK_ONLY;
            throw new XaException(XA_RBROLLBACK, "XA branch " + xid + " ended with TMFAIL and is rolled back");
        }
        b.state = State.IDLE;
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
            Broker.discardUnused(b.sends);
            broker.returnRefs(b.acked, true);
            throw new XaException(XA_RBROLLBACK, "XA branch " + xid + " cannot be prepared and is rolled back: " + e.getMessage());
        }
        b.state = State.PREPARED;
        b.owner = null;
        return b.staged.tx().prepare(encode(xid)).thenApply(v -> XA_OK);
    }

    /** COMMIT: one-phase (stage and commit now) or of a prepared branch. */
    CompletableFuture<Void> commit(WireXid xid, boolean onePhase, Executor brokerThread) throws XaException {
        Branch b = branches.get(xid);
        if (b == null) {
            throw new XaException(XAER_NOTA, "no XA branch " + xid + " (already committed or rolled back?)");
        }
        if (onePhase) {
            if (b.state == State.PREPARED) {
                throw new XaException(XAER_PROTO, "XA branch " + xid + " is prepared; commit it without TMONEPHASE");
            }
            idleBranch(xid, "committed");
            cancelTimeout(b);
            branches.remove(xid);
            CompletableFuture<Void> done = broker.commit(b.sends, b.acked, brokerThread);
            return done.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                    new XaException(XA_RBROLLBACK, "XA branch " + xid + " could not commit and was rolled back: " + describe(e))));
        }
        if (b.state != State.PREPARED) {
            throw new XaException(XAER_PROTO, "XA branch " + xid + " is not prepared; prepare it or commit with TMONEPHASE");
        }
        branches.remove(xid);
        Broker.StagedTransaction st = b.staged;
        return store.commitPrepared(st.tx().id()).thenRunAsync(() -> {
            broker.applyCommitted(st);
            Broker.discardUnused(b.sends);
        }, brokerThread);
    }

    /** ROLLBACK: of an idle, rollback-only or prepared branch. */
    CompletableFuture<Void> rollback(WireXid xid, Executor brokerThread) throws XaException {
        Branch b = branches.get(xid);
        if (b == null) {
            throw new XaException(XAER_NOTA, "no XA branch " + xid + " (already committed or rolled back?)");
        }
        if (b.state == State.ACTIVE && b.associations > 0) {
            throw new XaException(XAER_PROTO, "XA branch " + xid + " is still associated with a session; end it first");
        }
        branches.remove(xid);
        cancelTimeout(b);
        if (b.state != State.PREPARED) {
            discardWork(b);
            return CompletableFuture.completedFuture(null);
        }
        Broker.StagedTransaction st = b.staged;
        return store.rollbackPrepared(st.tx().id()).thenRunAsync(() -> broker.applyRolledBack(st), brokerThread);
    }

    /** The prepared branches, for the transaction manager's recovery. */
    List<WireXid> recover() {
        List<WireXid> out = new ArrayList<>();
        for (Branch b : branches.values()) {
            if (b.state == State.PREPARED) {
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

    /** A connection closed: the branches it worked on and did not prepare roll back. */
    void connectionClosed(BrokerConnection conn) {
        for (Branch b : List.copyOf(branches.values())) {
            if (b.owner == conn && b.state != State.PREPARED) {
                branches.remove(b.xid);
                cancelTimeout(b);
                discardWork(b);
            }
        }
    }

    private Branch idleBranch(WireXid xid, String what) throws XaException {
        Branch b = branches.get(xid);
        if (b == null) {
            throw new XaException(XAER_NOTA, "no XA branch " + xid + " to be " + what);
        }
        switch (b.state) {
            case ACTIVE -> throw new XaException(XAER_PROTO, "XA branch " + xid + " is still associated with a session; end it first");
            case PREPARED -> throw new XaException(XAER_PROTO, "XA branch " + xid + " is already prepared");
            case ROLLBACK_ONLY -> {
                branches.remove(xid);
                cancelTimeout(b);
                throw new XaException(b.timedOut ? XA_RBTIMEOUT : XA_RBROLLBACK, "XA branch " + xid
                        + (b.timedOut ? " timed out" : " was marked rollback-only") + " and is rolled back");
            }
            default -> {
                return b;
            }
        }
    }

    /** Forgets the branch's sends and returns the messages it consumed to their queues. */
    private void discardWork(Branch b) {
        Broker.discardUnused(b.sends);
        b.sends.clear();
        List<MessageRef> back = new ArrayList<>(b.acked);
        b.acked.clear();
        broker.returnRefs(back, true);
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
