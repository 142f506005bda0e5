package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: the consumer may receive {@code credits} more messages. Not answered.
 *
 * @param consumerId the consumer
 *
 * @param credits messages added to the window (> 0)
 */
public record CreditFrame(long consumerId, int credits) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CREDIT;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(consumerId);
        buf.writeInt(credits);
    }

    public static CreditFrame decode(ByteBuf buf) {
        long consumerId = WireSupport.readLong(buf);
        int credits = WireSupport.readInt(buf);
        return new CreditFrame(consumerId, credits);
    }
}
