package dev.wharf.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A protocol frame's body. Each frame type is a record in {@code dev.wharf.protocol.frame}
 * with an {@code encode} method and a static {@code decode(ByteBuf)} registered in
 * {@link FrameType}. Frames travel inside a {@link Packet}, which adds the correlation id.
 */
public interface Frame {

    FrameType type();

    /** Writes the frame's fields (not the length, type or correlation id). */
    void encode(ByteBuf buf);
}
