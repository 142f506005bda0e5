package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.ProtocolException;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Either way, correlation id 0: the next piece of a large message's body (after a
 * {@link LargeSendFrame} or {@link LargeDeliverFrame} with the same stream id). Pieces are sent in
 * order; their length is the sender's chunk size (at most {@link #MAX_CHUNK}) except for the last.
 *
 * @param streamId the stream
 * @param data the bytes, never null
 */
public record BodyChunkFrame(long streamId, byte[] data) implements Frame {

    /** The largest chunk a sender may send; far below any frame limit. */
    public static final int MAX_CHUNK = 1024 * 1024;

    public BodyChunkFrame {
        Objects.requireNonNull(data, "data");
        if (data.length > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk of " + data.length + " bytes (expected: <= " + MAX_CHUNK + ")");
        }
    }

    @Override
    public FrameType type() {
        return FrameType.BODY_CHUNK;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(streamId);
        WireSupport.writeBytes(buf, data);
    }

    public static BodyChunkFrame decode(ByteBuf buf) {
        long streamId = WireSupport.readLong(buf);
        byte[] data = WireSupport.readBytes(buf);
        if (data == null || data.length > MAX_CHUNK) {
            throw new ProtocolException("invalid body chunk of " + (data == null ? "null" : data.length + " bytes")
                    + " (expected: 0.." + MAX_CHUNK + " bytes)");
        }
        return new BodyChunkFrame(streamId, data);
    }

    @Override
    public String toString() {
        return "BodyChunkFrame[streamId=" + streamId + ", " + data.length + " bytes]";
    }
}
