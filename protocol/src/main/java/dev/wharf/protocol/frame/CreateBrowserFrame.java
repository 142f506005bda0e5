package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: browse a queue without consuming. Answered OK or ERROR (INVALID_DESTINATION, INVALID_SELECTOR).
 *
 * @param sessionId the session
 *
 * @param browserId client-chosen id, unique in the connection
 *
 * @param queue the queue
 *
 * @param selector message selector, or null
 */
public record CreateBrowserFrame(long sessionId, long browserId, WireDestination queue, String selector) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CREATE_BROWSER;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        buf.writeLong(browserId);
        WireDestination.write(buf, queue);
        WireSupport.writeString(buf, selector);
    }

    public static CreateBrowserFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long browserId = WireSupport.readLong(buf);
        WireDestination queue = WireDestination.read(buf);
        String selector = WireSupport.readString(buf);
        return new CreateBrowserFrame(sessionId, browserId, queue, selector);
    }
}
