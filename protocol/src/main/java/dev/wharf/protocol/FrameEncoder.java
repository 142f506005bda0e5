package dev.wharf.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link Packet} as a frame: int32 length of what follows, uint8 frame type, int64
 * correlation id, then the frame's fields. Stateless and shareable.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<Packet> {

    @Override
    protected void encode(ChannelHandlerContext ctx, Packet packet, ByteBuf out) {
        encode(packet, out);
    }

    /** Encodes one packet into {@code out}; also used by tests and tools. */
    public static void encode(Packet packet, ByteBuf out) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        out.writeByte(packet.frame().type().code());
        out.writeLong(packet.correlationId());
        packet.frame().encode(out);
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }
}
