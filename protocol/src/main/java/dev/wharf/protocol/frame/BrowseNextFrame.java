package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: the next messages of a browser. Answered by {@link BrowseBatchFrame}.
 *
 * @param browserId the browser
 *
 * @param max at most this many messages (> 0)
 */
public record BrowseNextFrame(long browserId, int max) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.BROWSE_NEXT;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(browserId);
        buf.writeInt(max);
    }

    public static BrowseNextFrame decode(ByteBuf buf) {
        long browserId = WireSupport.readLong(buf);
        int max = WireSupport.readInt(buf);
        return new BrowseNextFrame(browserId, max);
    }
}
