package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: delete a durable subscription (of this connection's client id, or a shared one without client id). Answered OK, or ERROR INVALID_DESTINATION if there is none, ILLEGAL_STATE while it has an active consumer.
 *
 * @param name the subscription name
 */
public record UnsubscribeFrame(String name) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.UNSUBSCRIBE;
    }

    @Override
    public void encode(ByteBuf buf) {
        WireSupport.writeString(buf, name);
    }

    public static UnsubscribeFrame decode(ByteBuf buf) {
        String name = WireSupport.readString(buf);
        return new UnsubscribeFrame(name);
    }
}
