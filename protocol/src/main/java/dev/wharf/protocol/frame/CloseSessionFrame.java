package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: close a session: its consumers close, its open transaction rolls back, its unacknowledged deliveries return to their queues as redelivered. Answered OK.
 *
 * @param sessionId the session
 */
public record CloseSessionFrame(long sessionId) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CLOSE_SESSION;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
    }

    public static CloseSessionFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        return new CloseSessionFrame(sessionId);
    }
}
