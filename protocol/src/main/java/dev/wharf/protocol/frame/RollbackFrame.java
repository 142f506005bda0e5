package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Client to broker: roll back the session's transaction: staged sends are dropped, consumed deliveries return redelivered, released ones return unmarked. Answered OK.
 *
 * @param sessionId the session
 *
 * @param consumedIds deliveries consumed in the transaction
 *
 * @param releasedIds buffered, not consumed
 */
public record RollbackFrame(long sessionId, long[] consumedIds, long[] releasedIds) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.ROLLBACK;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        WireSupport.writeLongs(buf, consumedIds);
        WireSupport.writeLongs(buf, releasedIds);
    }

    public static RollbackFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long[] consumedIds = WireSupport.readLongs(buf);
        long[] releasedIds = WireSupport.readLongs(buf);
        return new RollbackFrame(sessionId, consumedIds, releasedIds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RollbackFrame other
                && sessionId == other.sessionId
                && Arrays.equals(consumedIds, other.consumedIds)
                && Arrays.equals(releasedIds, other.releasedIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, Arrays.hashCode(consumedIds), Arrays.hashCode(releasedIds));
    }

    @Override
    public String toString() {
        return "RollbackFrame[" + "sessionId=" + sessionId + ", " + "consumedIds=" + Arrays.toString(consumedIds) + ", " + "releasedIds=" + Arrays.toString(releasedIds) + "]";
    }
}
