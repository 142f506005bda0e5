package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Client to broker: close a consumer. Deliveries the application never saw ({@code releasedDeliveryIds}) return to the queue without a redelivery mark; deliveries it consumed but did not acknowledge stay with the session (for CLIENT acknowledge, recover and transactions). Answered OK.
 *
 * @param consumerId the consumer
 *
 * @param releasedDeliveryIds delivered to the client but not to the application
 */
public record CloseConsumerFrame(long consumerId, long[] releasedDeliveryIds) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CLOSE_CONSUMER;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(consumerId);
        WireSupport.writeLongs(buf, releasedDeliveryIds);
    }

    public static CloseConsumerFrame decode(ByteBuf buf) {
        long consumerId = WireSupport.readLong(buf);
        long[] releasedDeliveryIds = WireSupport.readLongs(buf);
        return new CloseConsumerFrame(consumerId, releasedDeliveryIds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CloseConsumerFrame other
                && consumerId == other.consumerId
                && Arrays.equals(releasedDeliveryIds, other.releasedDeliveryIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(consumerId, Arrays.hashCode(releasedDeliveryIds));
    }

    @Override
    public String toString() {
        return "CloseConsumerFrame[" + "consumerId=" + consumerId + ", " + "releasedDeliveryIds=" + Arrays.toString(releasedDeliveryIds) + "]";
    }
}
