package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import io.netty.buffer.ByteBuf;

/**
 * Either way: keep-alive; answered by {@link PongFrame} with the same correlation id.
 */
public record PingFrame() implements Frame {

    @Override
    public FrameType type() {
        return FrameType.PING;
    }

    @Override
    public void encode(ByteBuf buf) {
    }

    public static PingFrame decode(ByteBuf buf) {
        return new PingFrame();
    }
}
