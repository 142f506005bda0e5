package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: close a browser. Answered OK.
 *
 * @param browserId the browser
 */
public record CloseBrowserFrame(long browserId) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CLOSE_BROWSER;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(browserId);
    }

    public static CloseBrowserFrame decode(ByteBuf buf) {
        long browserId = WireSupport.readLong(buf);
        return new CloseBrowserFrame(browserId);
    }
}
