package dev.wharf.server.internal.core;

import static dev.wharf.server.internal.core.TestClient.ids;
import static dev.wharf.server.internal.core.TestClient.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireXid;
import dev.wharf.protocol.frame.CloseSessionFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.XaFrame;
import dev.wharf.protocol.frame.XaResultFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * XA branches shared by several sessions and connections (TMJOIN), suspended and resumed, failed
 * with TMFAIL or by a closing connection, driven frame by frame against the broker core.
 */
@org.junit.jupiter.api.Timeout(30)
class XaBranchesTest {

    private static final WireDestination IN_A = WireDestination.queue("in.a");
    private static final WireDestination IN_B = WireDestination.queue("in.b");
    private static final WireDestination OUT = WireDestination.queue("out");
    private static final WireXid XID = new WireXid(0x5748, "gtrid-1".getBytes(StandardCharsets.UTF_8),
            "b1".getBytes(StandardCharsets.UTF_8));
    private static final long[] NONE = new long[0];

    private final BrokerHarness h = new BrokerHarness();

    private static int xa(TestClient c, XaFrame.Op op, long session, int flags, long... consumed) {
        Frame answer = c.request(new XaFrame(op, session, XID, flags, consumed, 0));
        return assertInstanceOf(XaResultFrame.class, answer, () -> op + " answered " + answer).code();
    }

    private static void start(TestClient c, long session, int flags) {
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.START, session, flags), "START");
    }

    private static void end(TestClient c, long session, int flags, long... consumed) {
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.END, session, flags, consumed), "END");
    }

    /** An XA session (transacted on the wire) with a consumer on {@code in}; returns what it received. */
    private static List<DeliverFrame> xaSessionConsuming(TestClient c, long session, WireDestination in) {
        c.session(session, ServerSession.SESSION_TRANSACTED);
        c.consumer(session, session, in, 10);
        return c.takeDeliveries();
    }

    private void put(WireDestination q, String text) {
        TestClient producer = h.client(null);
        producer.session(1, 1);
        producer.send(1, Messages.text(q, text, 4, true));
    }

    /** Everything now on {@code q}, read by a fresh connection. */
    private List<DeliverFrame> drain(WireDestination q) {
        TestClient reader = h.client(null);
        reader.session(1, 1);
        reader.consumer(1, 1, q, 100);
        return reader.takeDeliveries();
    }

    /**
     * What came back on the input queues: redelivered to the consumers {@code c} still has open
     * (the queue hands a returned message to them first) or read by a fresh connection.
     */
    private List<DeliverFrame> cameBack(TestClient c) {
        List<DeliverFrame> out = new java.util.ArrayList<>(c.takeDeliveries());
        out.addAll(drain(IN_A));
        out.addAll(drain(IN_B));
        out.sort(java.util.Comparator.comparing(d -> Messages.textOf(d.message())));
        return out;
    }

    private int left(String queue) {
        Queue q = h.broker.findQueue(queue);
        return q == null ? 0 : q.size() + q.inFlightCount();
    }

    @Test
    void joinFromSecondSessionCommitsBothSessionsSendsAndAcks() {
        put(IN_A, "a");
        put(IN_B, "b");
        TestClient c = h.client(null);
        List<DeliverFrame> gotA = xaSessionConsuming(c, 1, IN_A);
        List<DeliverFrame> gotB = xaSessionConsuming(c, 2, IN_B);
        start(c, 1, XaBranches.TMNOFLAGS);
        start(c, 2, XaBranches.TMJOIN);
        c.send(1, Messages.text(OUT, "from-1", 4, true));
        c.send(2, Messages.text(OUT, "from-2", 4, true));
        end(c, 1, XaBranches.TMSUCCESS, ids(gotA));
        assertEquals(XaBranches.XAER_PROTO, xa(c, XaFrame.Op.PREPARE, 0, 0), "session 2 is still active");
        end(c, 2, XaBranches.TMSUCCESS, ids(gotB));
        assertEquals(XaBranches.State.IDLE, h.broker.xa().state(XID));

        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.PREPARE, 0, 0));
        assertEquals(0, left("out"), "prepared sends are invisible");
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.COMMIT, 0, 0));
        assertEquals(List.of("from-1", "from-2"), texts(drain(OUT)));
        assertEquals(0, left("in.a"));
        assertEquals(0, left("in.b"));
    }

    @Test
    void branchJoinedFromSecondConnectionCommitsAllWorkAfterTheFirstConnectionClosesHavingEnded() {
        put(IN_A, "a");
        put(IN_B, "b");
        TestClient first = h.client(null);
        TestClient second = h.client(null);
        List<DeliverFrame> gotA = xaSessionConsuming(first, 1, IN_A);
        List<DeliverFrame> gotB = xaSessionConsuming(second, 1, IN_B);
        start(first, 1, XaBranches.TMNOFLAGS);
        start(second, 1, XaBranches.TMJOIN);
        first.send(1, Messages.text(OUT, "from-first", 4, true));
        second.send(1, Messages.text(OUT, "from-second", 4, true));
        end(first, 1, XaBranches.TMSUCCESS, ids(gotA));
        first.connection.transportClosed();

        assertEquals(XaBranches.State.ACTIVE, h.broker.xa().state(XID), "the second connection still works on it");
        end(second, 1, XaBranches.TMSUCCESS, ids(gotB));
        assertEquals(XaBranches.XA_OK, xa(second, XaFrame.Op.PREPARE, 0, 0));
        assertEquals(XaBranches.XA_OK, xa(second, XaFrame.Op.COMMIT, 0, 0));
        assertEquals(List.of("from-first", "from-second"), texts(drain(OUT)));
        assertEquals(0, left("in.a"), "the first connection's acknowledgement was committed");
        assertEquals(0, left("in.b"));
    }

    @Test
    void endedBranchOutlivesEveryConnectionThatWorkedOnIt() {
        put(IN_A, "a");
        TestClient worker = h.client(null);
        List<DeliverFrame> got = xaSessionConsuming(worker, 1, IN_A);
        start(worker, 1, XaBranches.TMNOFLAGS);
        worker.send(1, Messages.text(OUT, "sent", 4, true));
        end(worker, 1, XaBranches.TMSUCCESS, ids(got));
        worker.connection.transportClosed();

        TestClient tm = h.client(null);
        assertEquals(XaBranches.XA_OK, xa(tm, XaFrame.Op.COMMIT, 0, XaBranches.TMONEPHASE));
        assertEquals(List.of("sent"), texts(drain(OUT)));
        assertEquals(0, left("in.a"));
    }

    @Test
    void connectionClosingWithActiveAssociationMakesBranchRollbackOnlyAndRedeliversEverySessionsMessages() {
        put(IN_A, "a");
        put(IN_B, "b");
        TestClient first = h.client(null);
        TestClient second = h.client(null);
        xaSessionConsuming(first, 1, IN_A);
        List<DeliverFrame> gotB = xaSessionConsuming(second, 1, IN_B);
        start(first, 1, XaBranches.TMNOFLAGS);
        start(second, 1, XaBranches.TMJOIN);
        second.send(1, Messages.text(OUT, "from-second", 4, true));
        end(second, 1, XaBranches.TMSUCCESS, ids(gotB));
        first.send(1, Messages.text(OUT, "from-first", 4, true));
        first.connection.transportClosed();

        assertEquals(XaBranches.State.ROLLBACK_ONLY, h.broker.xa().state(XID));
        assertEquals(XaBranches.XA_RBROLLBACK, xa(second, XaFrame.Op.PREPARE, 0, 0));
        assertEquals(null, h.broker.xa().state(XID), "a branch answered XA_RB at prepare is gone");
        assertEquals(List.of(), texts(drain(OUT)), "no send of the branch appears");
        List<DeliverFrame> again = cameBack(second);
        assertEquals(List.of("a", "b"), texts(again));
        assertEquals(List.of(2, 2), again.stream().map(DeliverFrame::deliveryCount).toList(), "both redelivered");
    }

    @Test
    void endWithTmFailAnswersOkThenPrepareAnswersRbRollbackAndMessagesComeBack() {
        put(IN_A, "a");
        put(IN_B, "b");
        TestClient c = h.client(null);
        List<DeliverFrame> gotA = xaSessionConsuming(c, 1, IN_A);
        List<DeliverFrame> gotB = xaSessionConsuming(c, 2, IN_B);
        start(c, 1, XaBranches.TMNOFLAGS);
        start(c, 2, XaBranches.TMJOIN);
        c.send(1, Messages.text(OUT, "doomed-1", 4, true));
        c.send(2, Messages.text(OUT, "doomed-2", 4, true));
        end(c, 2, XaBranches.TMSUCCESS, ids(gotB));
        end(c, 1, XaBranches.TMFAIL, ids(gotA));

        assertEquals(XaBranches.State.ROLLBACK_ONLY, h.broker.xa().state(XID));
        assertEquals(XaBranches.XA_RBROLLBACK, xa(c, XaFrame.Op.PREPARE, 0, 0));
        assertEquals(List.of(), texts(drain(OUT)));
        List<DeliverFrame> again = cameBack(c);
        assertEquals(List.of("a", "b"), texts(again));
        assertEquals(List.of(2, 2), again.stream().map(DeliverFrame::deliveryCount).toList());
    }

    @Test
    void endWithTmFailMakesOnePhaseCommitAnswerRbRollback() {
        put(IN_A, "a");
        TestClient c = h.client(null);
        List<DeliverFrame> got = xaSessionConsuming(c, 1, IN_A);
        start(c, 1, XaBranches.TMNOFLAGS);
        c.send(1, Messages.text(OUT, "doomed", 4, true));
        end(c, 1, XaBranches.TMFAIL, ids(got));
        assertEquals(XaBranches.XA_RBROLLBACK, xa(c, XaFrame.Op.COMMIT, 0, XaBranches.TMONEPHASE));
        assertEquals(List.of(), texts(drain(OUT)));
        assertEquals(List.of(2), cameBack(c).stream().map(DeliverFrame::deliveryCount).toList());
    }

    @Test
    void sessionJoiningAfterTmFailGetsRbRollbackAndEndingAnotherAssociationGivesItsWorkBack() {
        put(IN_B, "b");
        TestClient c = h.client(null);
        c.session(1, ServerSession.SESSION_TRANSACTED);
        List<DeliverFrame> gotB = xaSessionConsuming(c, 2, IN_B);
        start(c, 1, XaBranches.TMNOFLAGS);
        start(c, 2, XaBranches.TMJOIN);
        end(c, 1, XaBranches.TMFAIL);
        c.send(2, Messages.text(OUT, "late", 4, true));
        assertEquals(XaBranches.XA_RBROLLBACK, xa(c, XaFrame.Op.END, 2, XaBranches.TMSUCCESS, ids(gotB)));
        assertEquals(XaBranches.XA_RBROLLBACK, xa(c, XaFrame.Op.START, 1, XaBranches.TMJOIN));
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.ROLLBACK, 0, 0));
        assertEquals(List.of(), texts(drain(OUT)));
        assertEquals(List.of(2), cameBack(c).stream().map(DeliverFrame::deliveryCount).toList());
    }

    @Test
    void suspendedAssociationCountsUntilEndedAndResumesOnlyInItsOwnSession() {
        TestClient c = h.client(null);
        c.session(1, ServerSession.SESSION_TRANSACTED);
        c.session(2, ServerSession.SESSION_TRANSACTED);
        start(c, 1, XaBranches.TMNOFLAGS);
        start(c, 2, XaBranches.TMJOIN);
        c.send(2, Messages.text(OUT, "from-2", 4, true));
        end(c, 2, XaBranches.TMSUCCESS);
        c.send(1, Messages.text(OUT, "before-suspend", 4, true));
        end(c, 1, XaBranches.TMSUSPEND);

        assertEquals(1, h.broker.xa().associationCount(XID));
        assertEquals(XaBranches.State.ACTIVE, h.broker.xa().state(XID), "a suspended association keeps it from idle");
        assertEquals(XaBranches.XAER_PROTO, xa(c, XaFrame.Op.PREPARE, 0, 0));
        assertEquals(XaBranches.XAER_PROTO, xa(c, XaFrame.Op.START, 2, XaBranches.TMRESUME), "not session 2's to resume");
        assertEquals(XaBranches.XAER_PROTO, xa(c, XaFrame.Op.END, 1, XaBranches.TMSUSPEND), "suspended already");
        start(c, 1, XaBranches.TMRESUME);
        c.send(1, Messages.text(OUT, "after-resume", 4, true));
        end(c, 1, XaBranches.TMSUSPEND);
        end(c, 1, XaBranches.TMSUCCESS);

        assertEquals(0, h.broker.xa().associationCount(XID));
        assertEquals(XaBranches.State.IDLE, h.broker.xa().state(XID));
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.COMMIT, 0, XaBranches.TMONEPHASE));
        assertEquals(List.of("from-2", "before-suspend", "after-resume"), texts(drain(OUT)));
    }

    @Test
    void sessionClosingWithSuspendedAssociationMakesBranchRollbackOnly() {
        TestClient c = h.client(null);
        c.session(1, ServerSession.SESSION_TRANSACTED);
        start(c, 1, XaBranches.TMNOFLAGS);
        c.send(1, Messages.text(OUT, "suspended", 4, true));
        end(c, 1, XaBranches.TMSUSPEND);
        c.ok(new CloseSessionFrame(1));

        assertEquals(XaBranches.State.ROLLBACK_ONLY, h.broker.xa().state(XID));
        assertEquals(XaBranches.XA_RBROLLBACK, xa(c, XaFrame.Op.COMMIT, 0, XaBranches.TMONEPHASE));
        assertEquals(List.of(), texts(drain(OUT)));
    }

    @Test
    void joinOfUnknownBranchIsNotaAndSecondStartWithoutJoinIsDupid() {
        TestClient c = h.client(null);
        c.session(1, ServerSession.SESSION_TRANSACTED);
        c.session(2, ServerSession.SESSION_TRANSACTED);
        assertEquals(XaBranches.XAER_NOTA, xa(c, XaFrame.Op.START, 1, XaBranches.TMJOIN));
        start(c, 1, XaBranches.TMNOFLAGS);
        assertEquals(XaBranches.XAER_DUPID, xa(c, XaFrame.Op.START, 2, XaBranches.TMNOFLAGS));
        assertEquals(XaBranches.XAER_PROTO, xa(c, XaFrame.Op.END, 2, XaBranches.TMSUCCESS), "session 2 is not associated");
        assertEquals(XaBranches.XAER_PROTO, xa(c, XaFrame.Op.PREPARE, 0, 0), "session 1 is active");
        assertEquals(XaBranches.XAER_PROTO, xa(c, XaFrame.Op.COMMIT, 0, XaBranches.TMONEPHASE), "session 1 is active");
        end(c, 1, XaBranches.TMSUCCESS);
        assertEquals(XaBranches.XA_RDONLY, xa(c, XaFrame.Op.PREPARE, 0, 0));
    }

    private static final WireXid NEXT = new WireXid(0x5748, "gtrid-2".getBytes(StandardCharsets.UTF_8),
            "b1".getBytes(StandardCharsets.UTF_8));

    @Test
    void rollbackWhileAJoinedSessionIsActiveLetsThatSessionStartAgainAndGivesBackWhatItConsumed() {
        put(IN_A, "a");
        put(IN_B, "b");
        TestClient inbound = h.client(null);
        TestClient outbound = h.client(null);
        List<DeliverFrame> gotA = xaSessionConsuming(inbound, 1, IN_A);
        List<DeliverFrame> gotB = xaSessionConsuming(outbound, 1, IN_B);
        start(inbound, 1, XaBranches.TMNOFLAGS);
        start(outbound, 1, XaBranches.TMJOIN);
        outbound.send(1, Messages.text(OUT, "before-rollback", 4, true));
        end(inbound, 1, XaBranches.TMFAIL, ids(gotA));

        // As GlassFish does after an MDB fails: the joined outbound session was never ended.
        assertEquals(XaBranches.XA_OK, xa(inbound, XaFrame.Op.ROLLBACK, 0, 0));
        assertEquals(null, h.broker.xa().state(XID));
        outbound.send(1, Messages.text(OUT, "after-rollback", 4, true));

        // The client ends the abandoned association by itself, handing back what it consumed, and starts anew.
        assertEquals(XaBranches.XA_OK, xa(outbound, XaFrame.Op.END, 1, XaFrame.ABANDONED, ids(gotB)));
        Frame next = outbound.request(new XaFrame(XaFrame.Op.START, 1, NEXT, XaBranches.TMNOFLAGS, NONE, 0));
        assertEquals(XaBranches.XA_OK, assertInstanceOf(XaResultFrame.class, next).code(), "START of the next branch");
        outbound.send(1, Messages.text(OUT, "next", 4, true));
        assertEquals(XaBranches.XA_OK, outbound.request(new XaFrame(XaFrame.Op.END, 1, NEXT, XaBranches.TMSUCCESS, NONE, 0))
                instanceof XaResultFrame r ? r.code() : -1);
        assertEquals(XaBranches.XA_OK, outbound.request(new XaFrame(XaFrame.Op.COMMIT, 0, NEXT, XaBranches.TMONEPHASE, NONE, 0))
                instanceof XaResultFrame r ? r.code() : -1);

        assertEquals(List.of("next"), texts(drain(OUT)), "only the next branch's send is committed");
        List<DeliverFrame> back = cameBack(inbound);
        back.addAll(cameBack(outbound));
        assertEquals(List.of("a", "b"), back.stream().map(d -> Messages.textOf(d.message())).sorted().toList(),
                "both consumed messages are back, not credited to the next branch");
        assertEquals(true, back.stream().allMatch(d -> d.deliveryCount() > 1), "redelivered");
    }

    @Test
    void endOfABranchRolledBackUnderTheSessionAnswersRbRollbackAndGivesItsWorkBack() {
        put(IN_B, "b");
        TestClient tm = h.client(null);
        TestClient outbound = h.client(null);
        tm.session(1, ServerSession.SESSION_TRANSACTED);
        List<DeliverFrame> gotB = xaSessionConsuming(outbound, 1, IN_B);
        start(tm, 1, XaBranches.TMNOFLAGS);
        start(outbound, 1, XaBranches.TMJOIN);
        end(tm, 1, XaBranches.TMSUCCESS);
        assertEquals(XaBranches.XA_OK, xa(tm, XaFrame.Op.ROLLBACK, 0, 0));
        outbound.send(1, Messages.text(OUT, "after-rollback", 4, true));

        assertEquals(XaBranches.XA_RBROLLBACK, xa(outbound, XaFrame.Op.END, 1, XaBranches.TMSUCCESS, ids(gotB)));
        assertEquals(List.of(), texts(drain(OUT)));
        assertEquals(List.of("b"), texts(cameBack(outbound)));
        start(outbound, 1, XaBranches.TMNOFLAGS);
    }

    @Test
    void clientEndOfAnAssociationThatStillStandsIsRefusedAndChangesNothing() {
        put(IN_A, "a");
        TestClient c = h.client(null);
        List<DeliverFrame> got = xaSessionConsuming(c, 1, IN_A);
        start(c, 1, XaBranches.TMNOFLAGS);
        c.send(1, Messages.text(OUT, "sent", 4, true));

        assertEquals(XaBranches.XAER_PROTO, xa(c, XaFrame.Op.END, 1, XaFrame.ABANDONED, ids(got)));
        assertEquals(XaBranches.State.ACTIVE, h.broker.xa().state(XID));
        end(c, 1, XaBranches.TMSUCCESS, ids(got));
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.COMMIT, 0, XaBranches.TMONEPHASE));
        assertEquals(List.of("sent"), texts(drain(OUT)));
        assertEquals(0, left("in.a"));
    }

    @Test
    void aBranchsSendsCountAgainstTheirAddressUntilTheBranchEndsWhicheverWayItEnds() {
        TestClient c = h.client(null);
        c.session(1, ServerSession.SESSION_TRANSACTED);
        int tmSuccess = XaBranches.TMSUCCESS;

        start(c, 1, XaBranches.TMNOFLAGS);
        c.send(1, Messages.text(OUT, "xa-send-1", 4, true));
        long one = h.broker.totalBytes();
        assertTrue(one > 0, "a staged send is not counted");
        // Committed, it also holds a queue's reference and the journal's index of its two records.
        long routed = one + HeapEstimate.REFERENCE + 2 * HeapEstimate.JOURNAL_RECORD;
        end(c, 1, tmSuccess);
        assertEquals(one, h.broker.totalBytes(), "an ended branch holds its sends");
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.ROLLBACK, 0, 0));
        assertEquals(0, h.broker.totalBytes(), "rollback before prepare");

        start(c, 1, XaBranches.TMNOFLAGS);
        c.send(1, Messages.text(OUT, "xa-send-2", 4, true));
        end(c, 1, tmSuccess);
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.PREPARE, 0, 0));
        assertEquals(one, h.broker.totalBytes(), "a prepared branch holds its sends");
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.ROLLBACK, 0, 0));
        assertEquals(0, h.broker.totalBytes(), "rollback after prepare");

        start(c, 1, XaBranches.TMNOFLAGS);
        c.send(1, Messages.text(OUT, "xa-send-3", 4, true));
        end(c, 1, XaBranches.TMFAIL);
        assertEquals(0, h.broker.totalBytes(), "TMFAIL");
        assertEquals(XaBranches.XA_RBROLLBACK, xa(c, XaFrame.Op.PREPARE, 0, 0));

        start(c, 1, XaBranches.TMNOFLAGS);
        c.send(1, Messages.text(OUT, "xa-send-4", 4, true));
        c.send(1, Messages.text(WireDestination.topic("nobody.listens"), "xa-send-5", 4, true));
        end(c, 1, tmSuccess);
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.PREPARE, 0, 0));
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.COMMIT, 0, 0));
        assertEquals(routed, h.broker.totalBytes(), "counted once, by the queue that took it");

        start(c, 1, XaBranches.TMNOFLAGS);
        c.send(1, Messages.text(OUT, "xa-send-6", 4, true));
        end(c, 1, tmSuccess);
        assertEquals(XaBranches.XA_OK, xa(c, XaFrame.Op.COMMIT, 0, XaBranches.TMONEPHASE));
        assertEquals(2 * routed, h.broker.totalBytes(), "one-phase commit");
        assertEquals(List.of("xa-send-4", "xa-send-6"), texts(drain(OUT)));

        long before = h.broker.totalBytes();
        start(c, 1, XaBranches.TMNOFLAGS);
        c.send(1, Messages.text(OUT, "xa-send-7", 4, true));
        assertEquals(before + one, h.broker.totalBytes());
        c.connection.transportClosed();
        assertEquals(before, h.broker.totalBytes(), "the connection closed with the branch active");
    }
}
