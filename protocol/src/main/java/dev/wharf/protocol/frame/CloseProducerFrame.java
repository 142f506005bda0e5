package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: the producer is closed. Answered OK.
 *
 * @param producerId the producer
 */
public record CloseProducerFrame(long producerId) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CLOSE_PRODUCER;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(producerId);
    }

    public static CloseProducerFrame decode(ByteBuf buf) {
        long producerId = WireSupport.readLong(buf);
        return new CloseProducerFrame(producerId);
    }
}
