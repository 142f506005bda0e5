package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker, for a consumer with prefetch 0: deliver one message if one is available within {@code timeoutMillis} (0: only if available now; -1: wait until one is). The broker answers OK after the DELIVER, if any, so the client knows the message arrived first.
 *
 * @param consumerId the consumer
 *
 * @param timeoutMillis how long the broker may wait
 */
public record PullFrame(long consumerId, long timeoutMillis) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.PULL;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(consumerId);
        buf.writeLong(timeoutMillis);
    }

    public static PullFrame decode(ByteBuf buf) {
        long consumerId = WireSupport.readLong(buf);
        long timeoutMillis = WireSupport.readLong(buf);
        return new PullFrame(consumerId, timeoutMillis);
    }
}
