package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Client to broker: the deliveries are acknowledged (non-transacted sessions). With a zero
 * correlation id the broker does not answer (DUPS_OK). With a non-zero one it answers OK once the
 * acknowledgement is forced to disk ({@code force}), or, without {@code force}, once it is
 * written: it then survives a crash of the broker process but not of its host until the next
 * force, which any later durable operation brings within milliseconds (the client does not wait
 * for the answer and only uses it to know the acknowledgement arrived).
 *
 * @param sessionId the session
 *
 * @param deliveryIds the acknowledged deliveries
 *
 * @param force whether the answer waits for the force. Optional on the wire: an ACK that ends
 *        after {@code deliveryIds} means true.
 */
public record AckFrame(long sessionId, long[] deliveryIds, boolean force) implements Frame {

    /** An acknowledgement answered once it is forced to disk. */
    public AckFrame(long sessionId, long[] deliveryIds) {
        this(sessionId, deliveryIds, true);
    }

    @Override
    public FrameType type() {
        return FrameType.ACK;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        WireSupport.writeLongs(buf, deliveryIds);
        WireSupport.writeBool(buf, force);
    }

    public static AckFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long[] deliveryIds = WireSupport.readLongs(buf);
        boolean force = !buf.isReadable() || WireSupport.readBool(buf);
        return new AckFrame(sessionId, deliveryIds, force);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AckFrame other
                && sessionId == other.sessionId
                && Arrays.equals(deliveryIds, other.deliveryIds)
                && force == other.force;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, Arrays.hashCode(deliveryIds), force);
    }

    @Override
    public String toString() {
        return "AckFrame[" + "sessionId=" + sessionId + ", " + "deliveryIds=" + Arrays.toString(deliveryIds) + ", force=" + force + "]";
    }
}
