package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Client to broker: commit the session's transaction: its staged sends become visible and the deliveries it consumed are acknowledged. Answered OK once durable, or ERROR TRANSACTION_ROLLED_BACK.
 *
 * @param sessionId the session
 *
 * @param consumedIds deliveries consumed in the transaction
 */
public record CommitFrame(long sessionId, long[] consumedIds) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.COMMIT;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        WireSupport.writeLongs(buf, consumedIds);
    }

    public static CommitFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long[] consumedIds = WireSupport.readLongs(buf);
        return new CommitFrame(sessionId, consumedIds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommitFrame other
                && sessionId == other.sessionId
                && Arrays.equals(consumedIds, other.consumedIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, Arrays.hashCode(consumedIds));
    }

    @Override
    public String toString() {
        return "CommitFrame[" + "sessionId=" + sessionId + ", " + "consumedIds=" + Arrays.toString(consumedIds) + "]";
    }
}
