package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: open a session. Answered OK.
 *
 * @param sessionId client-chosen id, unique in the connection
 *
 * @param ackMode jakarta.jms.Session constant: 0 SESSION_TRANSACTED, 1 AUTO, 2 CLIENT, 3 DUPS_OK
 */
public record CreateSessionFrame(long sessionId, int ackMode) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CREATE_SESSION;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        buf.writeInt(ackMode);
    }

    public static CreateSessionFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        int ackMode = WireSupport.readInt(buf);
        return new CreateSessionFrame(sessionId, ackMode);
    }
}
