package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Client to broker: session recover. {@code redeliverIds} (consumed, not acknowledged) return to their queues marked redelivered; {@code releasedIds} (never seen by the application) return unmarked. Both keep their order ahead of later messages. Answered OK.
 *
 * @param sessionId the session
 *
 * @param redeliverIds consumed and unacknowledged
 *
 * @param releasedIds buffered, not consumed
 */
public record RecoverFrame(long sessionId, long[] redeliverIds, long[] releasedIds) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.RECOVER;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        WireSupport.writeLongs(buf, redeliverIds);
        WireSupport.writeLongs(buf, releasedIds);
    }

    public static RecoverFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long[] redeliverIds = WireSupport.readLongs(buf);
        long[] releasedIds = WireSupport.readLongs(buf);
        return new RecoverFrame(sessionId, redeliverIds, releasedIds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecoverFrame other
                && sessionId == other.sessionId
                && Arrays.equals(redeliverIds, other.redeliverIds)
                && Arrays.equals(releasedIds, other.releasedIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, Arrays.hashCode(redeliverIds), Arrays.hashCode(releasedIds));
    }

    @Override
    public String toString() {
        return "RecoverFrame[" + "sessionId=" + sessionId + ", " + "redeliverIds=" + Arrays.toString(redeliverIds) + ", " + "releasedIds=" + Arrays.toString(releasedIds) + "]";
    }
}
