package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Client to broker: a message. In a transacted session it is staged until COMMIT. With a non-zero correlation id the broker answers OK once the message is durable (persistent) or routed (non-persistent), or ERROR; with 0 it answers only failures, with correlation id 0.
 *
 * @param sessionId the session
 *
 * @param producerId the producer
 *
 * @param message the message; its destination is where it goes
 */
public record SendFrame(long sessionId, long producerId, WireMessage message) implements Frame {

    public SendFrame {
        Objects.requireNonNull(message, "message");
    }

    @Override
    public FrameType type() {
        return FrameType.SEND;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        buf.writeLong(producerId);
        message.encode(buf);
    }

    public static SendFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long producerId = WireSupport.readLong(buf);
        WireMessage message = WireMessage.decode(buf);
        return new SendFrame(sessionId, producerId, message);
    }
}
