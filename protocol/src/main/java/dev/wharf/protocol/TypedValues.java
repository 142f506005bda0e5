package dev.wharf.protocol;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The encoding of typed values: message properties, and the entries of MapMessage and
 * StreamMessage bodies. A value is one tag byte then its payload:
 *
 * <pre>
 * tag  type      payload
 *   0  null      -
 *   1  Boolean   1 byte (0/1)
 *   2  Byte      1 byte
 *   3  Short     int16
 *   4  Character uint16
 *   5  Integer   int32
 *   6  Long      int64
 *   7  Float     IEEE 754 int32 bits
 *   8  Double    IEEE 754 int64 bits
 *   9  String    string (int32 length + UTF-8)
 *  10  byte[]    bytes (int32 length + bytes)
 * </pre>
 *
 * A map is an int32 count then, for each entry, its key as a {@code string} and its value.
 */
public final class TypedValues {

    public static final int NULL = 0;
    public static final int BOOLEAN = 1;
    public static final int BYTE = 2;
    public static final int SHORT = 3;
    public static final int CHAR = 4;
    public static final int INT = 5;
    public static final int LONG = 6;
    public static final int FLOAT = 7;
    public static final int DOUBLE = 8;
    public static final int STRING = 9;
    public static final int BYTES = 10;

    private TypedValues() {
    }

    /**
     * Writes one value.
     *
     * @throws IllegalArgumentException if the value is not of a type listed above
     */
    public static void write(ByteBuf buf, Object value) {
        if (value == null) {
            buf.writeByte(NULL);
        } else if (value instanceof Boolean b) {
            buf.writeByte(BOOLEAN).writeByte(b ? 1 : 0);
        } else if (value instanceof Byte b) {
            buf.writeByte(BYTE).writeByte(b);
        } else if (value instanceof Short s) {
            buf.writeByte(SHORT).writeShort(s);
        } else if (value instanceof Character c) {
            buf.writeByte(CHAR).writeChar(c);
        } else if (value instanceof Integer i) {
            buf.writeByte(INT).writeInt(i);
        } else if (value instanceof Long l) {
            buf.writeByte(LONG).writeLong(l);
        } else if (value instanceof Float f) {
            buf.writeByte(FLOAT).writeFloat(f);
        } else if (value instanceof Double d) {
            buf.writeByte(DOUBLE).writeDouble(d);
        } else if (value instanceof String s) {
            buf.writeByte(STRING);
            WireSupport.writeString(buf, s);
        } else if (value instanceof byte[] bytes) {
            buf.writeByte(BYTES);
            WireSupport.writeBytes(buf, bytes);
        } else {
            throw new IllegalArgumentException("unsupported value type: " + value.getClass().getName());
        }
    }

    /** Reads one value. */
    public static Object read(ByteBuf buf) {
        int tag = WireSupport.readByte(buf);
        return switch (tag) {
            case NULL -> null;
            case BOOLEAN -> WireSupport.readBool(buf);
            case BYTE -> WireSupport.readByte(buf);
            case SHORT -> {
                WireSupport.need(buf, 2, "short");
                yield buf.readShort();
            }
            case CHAR -> {
                WireSupport.need(buf, 2, "char");
                yield buf.readChar();
            }
            case INT -> WireSupport.readInt(buf);
            case LONG -> WireSupport.readLong(buf);
            case FLOAT -> {
                WireSupport.need(buf, 4, "float");
                yield buf.readFloat();
            }
            case DOUBLE -> {
                WireSupport.need(buf, 8, "double");
                yield buf.readDouble();
            }
            case STRING -> WireSupport.readString(buf);
            case BYTES -> WireSupport.readBytes(buf);
            default -> throw new ProtocolException("unknown value tag: " + tag);
        };
    }

    public static void writeMap(ByteBuf buf, Map<String, ?> map) {
        buf.writeInt(map.size());
        for (Map.Entry<String, ?> e : map.entrySet()) {
            WireSupport.writeString(buf, e.getKey());
            write(buf, e.getValue());
        }
    }

    /** Reads a map written by {@link #writeMap}; keeps the entry order. */
    public static Map<String, Object> readMap(ByteBuf buf) {
        int count = WireSupport.readInt(buf);
        // Each entry takes at least 5 bytes (a key length and a tag): reject absurd counts up front.
        if (count < 0 || (long) count * 5 > buf.readableBytes()) {
            throw new ProtocolException("invalid map entry count: " + count + " with " + buf.readableBytes() + " bytes left");
        }
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, count * 2));
        for (int i = 0; i < count; i++) {
            String key = WireSupport.readString(buf);
            if (key == null) {
                throw new ProtocolException("map entry " + i + " has a null key");
            }
            map.put(key, read(buf));
        }
        return map;
    }
}
