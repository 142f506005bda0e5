package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.ProtocolException;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Client to broker, correlation id 0: the start of a large message (one whose encoded body is over
 * the client's {@code largeMessageThreshold}). Its body follows as {@link BodyChunkFrame}s with the
 * same {@code streamId}, then a {@link BodyEndFrame}, which carries the correlation id the broker
 * answers (OK once the message is durable, or staged in a transaction; ERROR otherwise).
 *
 * @param sessionId the session
 * @param producerId the producer
 * @param streamId chosen by the client, unique among the connection's open streams
 * @param bodyLength the body's length in bytes, or -1 when the sender does not know it yet (an
 *     {@code InputStream} body); {@link BodyEndFrame#totalLength()} is authoritative
 * @param message headers and properties; its body is null (the body travels in the chunks)
 */
public record LargeSendFrame(long sessionId, long producerId, long streamId, long bodyLength, WireMessage message)
        implements Frame {

    public LargeSendFrame {
        Objects.requireNonNull(message, "message");
        if (bodyLength < -1) {
            throw new IllegalArgumentException("bodyLength: " + bodyLength + " (expected: >= -1)");
        }
    }

    @Override
    public FrameType type() {
        return FrameType.LARGE_SEND;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        buf.writeLong(producerId);
        buf.writeLong(streamId);
        buf.writeLong(bodyLength);
        message.encode(buf);
    }

    public static LargeSendFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long producerId = WireSupport.readLong(buf);
        long streamId = WireSupport.readLong(buf);
        long bodyLength = WireSupport.readLong(buf);
        if (bodyLength < -1) {
            throw new ProtocolException("invalid large message body length: " + bodyLength);
        }
        WireMessage message = WireMessage.decode(buf);
        return new LargeSendFrame(sessionId, producerId, streamId, bodyLength, message);
    }
}
