package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.ProtocolException;
import dev.wharf.protocol.WireSupport;
import dev.wharf.protocol.WireXid;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * Client to broker: one XAResource call on an XA branch, answered by {@link XaResultFrame}.
 *
 * <pre>
 * op        START: the session's work from now on belongs to {@code xid} ({@code flags}: TMNOFLAGS,
 *                  TMJOIN or TMRESUME; {@code timeoutSeconds} &gt; 0 rolls an unprepared branch back)
 *                  (TMJOIN may come from a session of another connection; TMRESUME only from the
 *                  session that suspended)
 *           END: the session's work so far, its staged sends and the deliveries in
 *                {@code consumedIds}, moves into the branch ({@code flags}: TMSUCCESS, TMFAIL, TMSUSPEND;
 *                TMSUCCESS and TMFAIL may end a suspended association; TMFAIL answers XA_OK and
 *                marks the branch rollback-only). With {@link #ABANDONED} (alone) the client ends by
 *                itself, before its next START, an association the broker may have ended already
 *                because the branch was rolled back under it: the broker gives {@code consumedIds}
 *                back and answers XA_OK, or answers XAER_PROTO, changing nothing, if the session
 *                still works for a branch. END for a branch rolled back under the session answers
 *                XA_RBROLLBACK (XA_OK for TMFAIL) and gives its work back.
 *           PREPARE, COMMIT ({@code flags} TMONEPHASE for one-phase), ROLLBACK, FORGET: the branch
 *           RECOVER: the prepared branches ({@code xid} absent)
 * </pre>
 *
 * @param op the operation
 * @param sessionId the XA session (START and END), else 0
 * @param xid the branch, or null for RECOVER
 * @param flags the javax.transaction.xa.XAResource flags of the call
 * @param consumedIds END: deliveries consumed in the branch; otherwise empty
 * @param timeoutSeconds START: the branch's timeout, 0 for none
 */
public record XaFrame(Op op, long sessionId, WireXid xid, int flags, long[] consumedIds, int timeoutSeconds)
        implements Frame {

    /**
     * END flag of Wharf's own (no XAResource flag uses the bit): the client ends an association
     * by itself; see the class comment.
     */
    public static final int ABANDONED = 0x1;

    /** The XAResource operation. */
    public enum Op {
        START, END, PREPARE, COMMIT, ROLLBACK, RECOVER, FORGET;

        static Op fromCode(int code) {
            if (code < 0 || code >= values().length) {
                throw new ProtocolException("unknown XA operation " + code);
            }
            return values()[code];
        }
    }

    public XaFrame {
        Objects.requireNonNull(op, "op");
        consumedIds = consumedIds == null ? new long[0] : consumedIds;
    }

    @Override
    public FrameType type() {
        return FrameType.XA;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeByte(op.ordinal());
        buf.writeLong(sessionId);
        WireSupport.writeBool(buf, xid != null);
        if (xid != null) {
            WireXid.write(buf, xid);
        }
        buf.writeInt(flags);
        WireSupport.writeLongs(buf, consumedIds);
        buf.writeInt(timeoutSeconds);
    }

    public static XaFrame decode(ByteBuf buf) {
        Op op = Op.fromCode(WireSupport.readByte(buf));
        long sessionId = WireSupport.readLong(buf);
        WireXid xid = WireSupport.readBool(buf) ? WireXid.read(buf) : null;
        int flags = WireSupport.readInt(buf);
        long[] consumedIds = WireSupport.readLongs(buf);
        int timeout = WireSupport.readInt(buf);
        return new XaFrame(op, sessionId, xid, flags, consumedIds, timeout);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XaFrame x && op == x.op && sessionId == x.sessionId && Objects.equals(xid, x.xid)
                && flags == x.flags && Arrays.equals(consumedIds, x.consumedIds) && timeoutSeconds == x.timeoutSeconds;
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, sessionId, xid, flags, Arrays.hashCode(consumedIds), timeoutSeconds);
    }

    @Override
    public String toString() {
        return "XaFrame[" + op + ", session " + sessionId + ", " + xid + ", flags " + flags + ", consumed "
                + Arrays.toString(consumedIds) + ", timeout " + timeoutSeconds + "]";
    }
}
