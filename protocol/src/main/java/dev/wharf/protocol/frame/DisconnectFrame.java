package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: close the connection cleanly; unacknowledged deliveries return to their queues, temporary destinations are deleted. Answered OK.
 */
public record DisconnectFrame() implements Frame {

    @Override
    public FrameType type() {
        return FrameType.DISCONNECT;
    }

    @Override
    public void encode(ByteBuf buf) {
    }

    public static DisconnectFrame decode(ByteBuf buf) {
        return new DisconnectFrame();
    }
}
