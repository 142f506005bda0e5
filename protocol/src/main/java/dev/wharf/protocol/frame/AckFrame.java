package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Client to broker: the deliveries are acknowledged (non-transacted sessions). With a non-zero correlation id the broker answers OK once the acknowledgement is durable.
 *
 * @param sessionId the session
 *
 * @param deliveryIds the acknowledged deliveries
 */
public record AckFrame(long sessionId, long[] deliveryIds) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.ACK;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        WireSupport.writeLongs(buf, deliveryIds);
    }

    public static AckFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long[] deliveryIds = WireSupport.readLongs(buf);
        return new AckFrame(sessionId, deliveryIds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AckFrame other
                && sessionId == other.sessionId
                && Arrays.equals(deliveryIds, other.deliveryIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, Arrays.hashCode(deliveryIds));
    }

    @Override
    public String toString() {
        return "AckFrame[" + "sessionId=" + sessionId + ", " + "deliveryIds=" + Arrays.toString(deliveryIds) + "]";
    }
}
