package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import io.netty.buffer.ByteBuf;

/**
 * Either way: the request with the same correlation id succeeded.
 */
public record OkFrame() implements Frame {

    @Override
    public FrameType type() {
        return FrameType.OK;
    }

    @Override
    public void encode(ByteBuf buf) {
    }

    public static OkFrame decode(ByteBuf buf) {
        return new OkFrame();
    }
}
