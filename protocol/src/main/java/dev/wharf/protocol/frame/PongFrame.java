package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import io.netty.buffer.ByteBuf;

/**
 * Answer to {@link Ping}.
 */
public record PongFrame() implements Frame {

    @Override
    public FrameType type() {
        return FrameType.PONG;
    }

    @Override
    public void encode(ByteBuf buf) {
    }

    public static PongFrame decode(ByteBuf buf) {
        return new PongFrame();
    }
}
