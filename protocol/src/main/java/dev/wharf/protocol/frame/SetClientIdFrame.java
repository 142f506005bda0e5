package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: set the connection's client id (before any other use of the connection). Answered OK, or ERROR INVALID_CLIENT_ID if another connection holds it.
 *
 * @param clientId the client id
 */
public record SetClientIdFrame(String clientId) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.SET_CLIENT_ID;
    }

    @Override
    public void encode(ByteBuf buf) {
        WireSupport.writeString(buf, clientId);
    }

    public static SetClientIdFrame decode(ByteBuf buf) {
        String clientId = WireSupport.readString(buf);
        return new SetClientIdFrame(clientId);
    }
}
