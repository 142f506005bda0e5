package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.ProtocolException;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Broker to client, correlation id 0: the start of the delivery of a large message, taking one
 * credit like {@link DeliverFrame}. Its body follows as {@link BodyChunkFrame}s whose
 * {@code streamId} is the {@code deliveryId}, then a {@link BodyEndFrame}. The broker sends nothing
 * else on the connection between this frame and the end of its body, so the client sees every
 * connection's frames in the order the broker produced them.
 *
 * @param consumerId the consumer
 * @param deliveryId the delivery id (acknowledgements name it); also the stream id of the body
 * @param deliveryCount 1 for the first delivery
 * @param credits the consumer credit this delivery took: all the consumer had (at least 1), so
 *     that the broker sends nothing more to the consumer until its application took this message;
 *     the client grants as many back when it does
 * @param bodyLength the body's length in bytes
 * @param message headers and properties; its body is null
 */
public record LargeDeliverFrame(long consumerId, long deliveryId, int deliveryCount, int credits, long bodyLength,
                                WireMessage message)
        implements Frame {

    public LargeDeliverFrame {
        Objects.requireNonNull(message, "message");
        if (bodyLength < 0) {
            throw new IllegalArgumentException("bodyLength: " + bodyLength + " (expected: >= 0)");
        }
        if (credits < 1) {
            throw new IllegalArgumentException("credits: " + credits + " (expected: >= 1)");
        }
    }

    @Override
    public FrameType type() {
        return FrameType.LARGE_DELIVER;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(consumerId);
        buf.writeLong(deliveryId);
        buf.writeInt(deliveryCount);
        buf.writeInt(credits);
        buf.writeLong(bodyLength);
        message.encode(buf);
    }

    public static LargeDeliverFrame decode(ByteBuf buf) {
        long consumerId = WireSupport.readLong(buf);
        long deliveryId = WireSupport.readLong(buf);
        int deliveryCount = WireSupport.readInt(buf);
        int credits = WireSupport.readInt(buf);
        long bodyLength = WireSupport.readLong(buf);
        if (bodyLength < 0) {
            throw new ProtocolException("invalid large message body length: " + bodyLength);
        }
        if (credits < 1) {
            throw new ProtocolException("invalid large delivery credits: " + credits);
        }
        WireMessage message = WireMessage.decode(buf);
        return new LargeDeliverFrame(consumerId, deliveryId, deliveryCount, credits, bodyLength, message);
    }
}
