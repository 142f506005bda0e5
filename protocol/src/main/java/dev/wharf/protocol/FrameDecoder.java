package dev.wharf.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frames and decodes each into a {@link Packet}; anything it
 * cannot accept becomes a {@link MalformedFrame} passed up instead of an exception.
 *
 * <p>Frame layout: int32 length (of the bytes after it, at least
 * {@code HEADER_LENGTH - 4}), uint8 type, int64 correlation id, fields. States:
 * <ul>
 *   <li>{@code READ}: wait for a whole frame and decode it. An unknown type, a field that
 *       does not parse, or bytes left over give a non-fatal {@code MalformedFrame} (framing
 *       is intact, the connection can go on).</li>
 *   <li>{@code DISCARD}: a frame longer than {@code maxFrameSize} is skipped as it arrives,
 *       after a non-fatal {@code MESSAGE_TOO_LARGE} for its correlation id.</li>
 *   <li>{@code FAILED}: a negative or too-short length means framing is lost; one fatal
 *       {@code MalformedFrame}, and every later byte is dropped.</li>
 * </ul>
 * Not thread-safe; confined to the channel's event loop (or one reading thread at a time), one
 * instance per connection.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private enum State { READ, DISCARD, FAILED }

    private final int maxFrameSize;
    private State state = State.READ;
    private long discardRemaining;

    /**
     * @param maxFrameSize the largest accepted frame, counted from the type byte on
     */
    public FrameDecoder(int maxFrameSize) {
        if (maxFrameSize < ProtocolVersion.HEADER_LENGTH) {
            throw new IllegalArgumentException("maxFrameSize: " + maxFrameSize + " (expected: >= " + ProtocolVersion.HEADER_LENGTH + ")");
        }
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(in, out);
    }

    /**
     * Decodes every whole frame in {@code in} into {@code out}, leaving a partial frame's bytes in
     * {@code in} for the next call: for a reader outside a Netty pipeline (the client's socket).
     */
    public void decode(ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                case DISCARD -> {
                    int skip = (int) Math.min(discardRemaining, in.readableBytes());
                    in.skipBytes(skip);
                    discardRemaining -= skip;
                    if (discardRemaining > 0) {
                        return;
                    }
                    state = State.READ;
                }
                case READ -> {
                    if (!readOne(in, out)) {
                        return;
                    }
                }
            }
        }
    }

    /** Returns false when more bytes are needed. */
    private boolean readOne(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return false;
        }
        int start = in.readerIndex();
        int length = in.getInt(start);
        if (length < ProtocolVersion.HEADER_LENGTH - 4) {
            state = State.FAILED;
            out.add(new MalformedFrame(0, ErrorCode.PROTOCOL_ERROR,
                    "invalid frame length: " + length + " (expected: >= " + (ProtocolVersion.HEADER_LENGTH - 4)
                            + "); is the peer a Wharf client of a compatible version?", true));
            return true;
        }
        if (length > maxFrameSize) {
            if (in.readableBytes() < ProtocolVersion.HEADER_LENGTH) {
                return false;
            }
            long correlationId = in.getLong(start + 5);
            in.skipBytes(ProtocolVersion.HEADER_LENGTH);
            discardRemaining = (long) length - (ProtocolVersion.HEADER_LENGTH - 4);
            state = State.DISCARD;
            out.add(new MalformedFrame(correlationId, ErrorCode.MESSAGE_TOO_LARGE,
                    "frame of " + length + " bytes exceeds the maximum of " + maxFrameSize
                            + " bytes; send smaller messages or raise the broker's maxFrameSize", false));
            return true;
        }
        if (in.readableBytes() < 4 + length) {
            return false;
        }
        in.skipBytes(4);
        int typeCode = in.readUnsignedByte();
        long correlationId = in.readLong();
        int fieldsLength = length - (ProtocolVersion.HEADER_LENGTH - 4);
        ByteBuf fields = in.readSlice(fieldsLength);
        try {
            FrameType type = FrameType.fromCode(typeCode);
            Frame frame = type.decode(fields);
            if (fields.isReadable()) {
                throw new ProtocolException(fields.readableBytes() + " unexpected bytes at the end of a " + type + " frame");
            }
            out.add(new Packet(correlationId, frame));
        } catch (ProtocolException | IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
            out.add(new MalformedFrame(correlationId, ErrorCode.PROTOCOL_ERROR, "malformed frame: " + e.getMessage(), false));
        }
        return true;
    }
}
