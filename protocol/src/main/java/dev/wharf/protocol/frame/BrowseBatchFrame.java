package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.ProtocolException;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Broker to client: messages for a browser, in queue order.
 *
 * @param messages the messages
 *
 * @param more false once the browser has reached the end of the queue
 */
public record BrowseBatchFrame(List<WireMessage> messages, boolean more) implements Frame {

    public BrowseBatchFrame {
        Objects.requireNonNull(messages, "messages");
        messages = List.copyOf(messages);
    }

    @Override
    public FrameType type() {
        return FrameType.BROWSE_BATCH;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeInt(messages.size());
        for (WireMessage m : messages) {
            m.encode(buf);
        }
        WireSupport.writeBool(buf, more);
    }

    public static BrowseBatchFrame decode(ByteBuf buf) {
        int count = WireSupport.readInt(buf);
        if (count < 0 || count > buf.readableBytes()) {
            throw new ProtocolException("invalid message count: " + count);
        }
        List<WireMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(WireMessage.decode(buf));
        }
        boolean more = WireSupport.readBool(buf);
        return new BrowseBatchFrame(messages, more);
    }
}
