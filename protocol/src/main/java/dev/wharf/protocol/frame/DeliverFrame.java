package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Broker to client: a message for a consumer, taking one credit. Correlation id 0.
 *
 * @param consumerId the consumer
 *
 * @param deliveryId broker-chosen id of this delivery, unique in the connection; acknowledgements name it
 *
 * @param deliveryCount 1 for the first delivery; more means JMSRedelivered
 *
 * @param message the message
 */
public record DeliverFrame(long consumerId, long deliveryId, int deliveryCount, WireMessage message) implements Frame {

    public DeliverFrame {
        Objects.requireNonNull(message, "message");
    }

    @Override
    public FrameType type() {
        return FrameType.DELIVER;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(consumerId);
        buf.writeLong(deliveryId);
        buf.writeInt(deliveryCount);
        message.encode(buf);
    }

    public static DeliverFrame decode(ByteBuf buf) {
        long consumerId = WireSupport.readLong(buf);
        long deliveryId = WireSupport.readLong(buf);
        int deliveryCount = WireSupport.readInt(buf);
        WireMessage message = WireMessage.decode(buf);
        return new DeliverFrame(consumerId, deliveryId, deliveryCount, message);
    }
}
