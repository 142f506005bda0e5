package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Either way: the end of a large message's body. From the client it carries the correlation id of
 * the send (answered OK or ERROR); from the broker, 0. With {@code aborted} the sender gave up (its
 * body source failed): the receiver discards what it received and does not answer.
 *
 * @param streamId the stream
 * @param totalLength the number of body bytes sent in the chunks; the receiver checks it
 * @param aborted true if the body is incomplete and must be discarded
 */
public record BodyEndFrame(long streamId, long totalLength, boolean aborted) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.BODY_END;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(streamId);
        buf.writeLong(totalLength);
        WireSupport.writeBool(buf, aborted);
    }

    public static BodyEndFrame decode(ByteBuf buf) {
        long streamId = WireSupport.readLong(buf);
        long totalLength = WireSupport.readLong(buf);
        boolean aborted = WireSupport.readBool(buf);
        return new BodyEndFrame(streamId, totalLength, aborted);
    }
}
