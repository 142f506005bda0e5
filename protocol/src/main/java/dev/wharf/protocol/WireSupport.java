package dev.wharf.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Static helpers for the primitive encodings every frame uses. All integers are big-endian.
 *
 * <ul>
 *   <li>{@code string}: int32 byte length, {@code -1} for null, then that many UTF-8 bytes.</li>
 *   <li>{@code bytes}: int32 length, {@code -1} for null, then the bytes.</li>
 *   <li>{@code bool}: one byte, 0 or 1.</li>
 *   <li>{@code long[]}: int32 count, then count int64 values.</li>
 * </ul>
 * Every read checks the declared length against the bytes remaining, so a truncated or
 * lying frame becomes a {@link ProtocolException}, never an out-of-memory or an index error.
 */
public final class WireSupport {

    private WireSupport() {
    }

    public static void writeString(ByteBuf buf, String s) {
        if (s == null) {
            buf.writeInt(-1);
            return;
        }
        int lengthIndex = buf.writerIndex();
        buf.writeInt(0);
        int written = buf.writeCharSequence(s, StandardCharsets.UTF_8);
        buf.setInt(lengthIndex, written);
    }

    public static String readString(ByteBuf buf) {
        int length = readLength(buf, "string");
        if (length < 0) {
            return null;
        }
        String s = buf.toString(buf.readerIndex(), length, StandardCharsets.UTF_8);
        buf.skipBytes(length);
        return s;
    }

    public static void writeBytes(ByteBuf buf, byte[] bytes) {
        if (bytes == null) {
            buf.writeInt(-1);
            return;
        }
        buf.writeInt(bytes.length);
        buf.writeBytes(bytes);
    }

    public static byte[] readBytes(ByteBuf buf) {
        int length = readLength(buf, "byte array");
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buf.readBytes(bytes);
        return bytes;
    }

    public static void writeBool(ByteBuf buf, boolean b) {
        buf.writeByte(b ? 1 : 0);
    }

    public static boolean readBool(ByteBuf buf) {
        need(buf, 1, "boolean");
        byte b = buf.readByte();
        if (b != 0 && b != 1) {
            throw new ProtocolException("invalid boolean byte: " + b + " (expected: 0 or 1)");
        }
        return b == 1;
    }

    public static byte readByte(ByteBuf buf) {
        need(buf, 1, "byte");
        return buf.readByte();
    }

    public static int readInt(ByteBuf buf) {
        need(buf, 4, "int");
        return buf.readInt();
    }

    public static long readLong(ByteBuf buf) {
        need(buf, 8, "long");
        return buf.readLong();
    }

    public static void writeLongs(ByteBuf buf, long[] values) {
        buf.writeInt(values.length);
        for (long v : values) {
            buf.writeLong(v);
        }
    }

    public static long[] readLongs(ByteBuf buf) {
        int count = readInt(buf);
        if (count < 0 || (long) count * 8 > buf.readableBytes()) {
            throw new ProtocolException("invalid long array count: " + count + " with " + buf.readableBytes() + " bytes left");
        }
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = buf.readLong();
        }
        return values;
    }

    /** Reads an int32 length and checks it against the bytes left; -1 means null. */
    static int readLength(ByteBuf buf, String what) {
        int length = readInt(buf);
        if (length < -1 || length > buf.readableBytes()) {
            throw new ProtocolException("invalid " + what + " length: " + length + " with " + buf.readableBytes() + " bytes left");
        }
        return length;
    }

    static void need(ByteBuf buf, int bytes, String what) {
        if (buf.readableBytes() < bytes) {
            throw new ProtocolException("truncated frame: " + what + " needs " + bytes + " bytes, " + buf.readableBytes() + " left");
        }
    }
}
