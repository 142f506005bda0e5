package dev.wharf.jms.message;

import dev.wharf.protocol.ProtocolException;
import dev.wharf.protocol.TypedValues;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import jakarta.jms.MessageFormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire bodies of MapMessage (a {@link TypedValues} map) and StreamMessage (an int32 count then
 * that many {@link TypedValues} values), as {@link dev.wharf.protocol.BodyType} documents them.
 * Stateless and thread-safe.
 */
final class BodyCodecSupport {

    private BodyCodecSupport() {
    }

    static byte[] encodeMap(Map<String, Object> map) {
        ByteBuf buf = Unpooled.buffer();
        try {
            TypedValues.writeMap(buf, map);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Decodes a map body; null is an empty map. */
    static Map<String, Object> decodeMap(byte[] body) throws MessageFormatException {
        if (body == null) {
            return new LinkedHashMap<>();
        }
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            Map<String, Object> map = TypedValues.readMap(buf);
            checkFullyRead(buf, "MapMessage");
            return map;
        } catch (ProtocolException e) {
            throw malformed("MapMessage", e);
        }
    }

    static byte[] encodeList(List<Object> values) {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeInt(values.size());
            for (Object v : values) {
                TypedValues.write(buf, v);
            }
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Decodes a stream body; null is an empty list. */
    static List<Object> decodeList(byte[] body) throws MessageFormatException {
        if (body == null) {
            return new ArrayList<>();
        }
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            int count = WireSupport.readInt(buf);
            // Each value takes at least its tag byte: reject absurd counts before allocating.
            if (count < 0 || count > buf.readableBytes()) {
                throw new ProtocolException("invalid value count: " + count + " with " + buf.readableBytes() + " bytes left");
            }
            List<Object> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                values.add(TypedValues.read(buf));
            }
            checkFullyRead(buf, "StreamMessage");
            return values;
        } catch (ProtocolException e) {
            throw malformed("StreamMessage", e);
        }
    }

    private static void checkFullyRead(ByteBuf buf, String what) {
        if (buf.isReadable()) {
            throw new ProtocolException(buf.readableBytes() + " unexpected bytes after the " + what + " body");
        }
    }

    private static MessageFormatException malformed(String what, ProtocolException e) {
        MessageFormatException mfe = new MessageFormatException("the " + what
                + " body received is malformed: " + e.getMessage() + " (was it sent by a Wharf client?)");
        mfe.setLinkedException(e);
        mfe.initCause(e);
        return mfe;
    }
}
