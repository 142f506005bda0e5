package dev.wharf.server.internal.store;

import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The payloads of the broker's journal records. Every integer is big-endian; {@code string}
 * is {@link WireSupport}'s (int32 length, -1 for null, UTF-8).
 *
 * <pre>
 * type 1 MESSAGE  payload: the {@link WireMessage} encoding (starts with its format byte)
 * type 2 REF      payload: int64 message record id, int64 queue record id, int32 delivery count
 * type 3 QUEUE    payload: uint8 version (1), uint8 kind ({@link QueueRecord.Kind}),
 *                          string name, string topic, string clientId, string selector,
 *                          uint8 noLocal (0/1)
 * type 4 DUPLICATE_ID payload: destination ({@link WireDestination} encoding), string id
 * type 5 LARGE_MESSAGE payload: int64 body file id ({@link LargeMessageStore}: {@code large/<id as 16 hex
 *                          digits>.msg}), int64 body length, then the {@link WireMessage} encoding
 *                          with a null body
 * </pre>
 * A prepared XA transaction's data (the journal's prepare record) is its Xid:
 * int32 formatId, bytes globalTransactionId, bytes branchQualifier.
 */
public final class StoreRecords {

    public static final byte MESSAGE = 1;
    public static final byte REF = 2;
    public static final byte QUEUE = 3;
    public static final byte DUPLICATE_ID = 4;
    public static final byte LARGE_MESSAGE = 5;

    /** REF payload length: two int64 ids and an int32 count. */
    public static final int REF_LENGTH = 8 + 8 + 4;
    static final int QUEUE_VERSION = 1;

    private StoreRecords() {
    }

    /** A decoded REF record. */
    public record RefRecord(long id, long messageId, long queueId, int deliveryCount) {
    }

    /** A decoded DUPLICATE_ID record: a producer's duplicate id seen on an address. */
    public record DuplicateIdRecord(long id, WireDestination address, String duplicateId) {
    }

    public static byte[] encodeDuplicateId(WireDestination address, String duplicateId) {
        return encode(buf -> {
            WireDestination.write(buf, address);
            WireSupport.writeString(buf, duplicateId);
        });
    }

    public static DuplicateIdRecord decodeDuplicateId(long id, byte[] payload) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        WireDestination address = WireDestination.read(buf);
        String duplicateId = WireSupport.readString(buf);
        if (address == null || duplicateId == null) {
            throw new IllegalArgumentException("DUPLICATE_ID record " + id + " lacks its address or id");
        }
        return new DuplicateIdRecord(id, address, duplicateId);
    }

    public static byte[] encodeXid(dev.wharf.protocol.WireXid xid) {
        return encode(buf -> dev.wharf.protocol.WireXid.write(buf, xid));
    }

    public static dev.wharf.protocol.WireXid decodeXid(byte[] data) {
        return dev.wharf.protocol.WireXid.read(Unpooled.wrappedBuffer(data));
    }

    public static byte[] encodeMessage(WireMessage m) {
        return encode(m.estimatedSize(), m::encode);
    }

    public static WireMessage decodeMessage(byte[] payload) {
        return WireMessage.decode(Unpooled.wrappedBuffer(payload));
    }

    /** A decoded LARGE_MESSAGE record: the headers and where the body is. */
    public record LargeMessageRecord(long fileId, long bodyLength, WireMessage message) {
    }

    public static byte[] encodeLargeMessage(long fileId, long bodyLength, WireMessage m) {
        return encode(16 + m.estimatedSize(), buf -> {
            buf.writeLong(fileId);
            buf.writeLong(bodyLength);
            m.encode(buf);
        });
    }

    public static LargeMessageRecord decodeLargeMessage(long id, byte[] payload) {
        if (payload.length < 16) {
            throw new IllegalArgumentException("LARGE_MESSAGE record " + id + " has " + payload.length + " bytes (expected: >= 16)");
        }
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        long fileId = buf.readLong();
        long length = buf.readLong();
        return new LargeMessageRecord(fileId, length, WireMessage.decode(buf));
    }

    public static byte[] encodeRef(long messageId, long queueId, int deliveryCount) {
        return ByteBuffer.allocate(REF_LENGTH).putLong(messageId).putLong(queueId).putInt(deliveryCount).array();
    }

    public static RefRecord decodeRef(long id, byte[] payload) {
        if (payload.length != REF_LENGTH) {
            throw new IllegalArgumentException("REF record " + id + " has " + payload.length + " bytes (expected: " + REF_LENGTH + ")");
        }
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        return new RefRecord(id, buf.readLong(), buf.readLong(), buf.readInt());
    }

    public static byte[] encodeQueue(QueueRecord q) {
        return encode(buf -> {
            buf.writeByte(QUEUE_VERSION);
            buf.writeByte(q.kind().code());
            WireSupport.writeString(buf, q.name());
            WireSupport.writeString(buf, q.topic());
            WireSupport.writeString(buf, q.clientId());
            WireSupport.writeString(buf, q.selector());
            WireSupport.writeBool(buf, q.noLocal());
        });
    }

    public static QueueRecord decodeQueue(long id, byte[] payload) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        int version = WireSupport.readByte(buf);
        if (version != QUEUE_VERSION) {
            throw new IllegalArgumentException("QUEUE record " + id + " has version " + version + " (expected: " + QUEUE_VERSION + ")");
        }
        QueueRecord.Kind kind = QueueRecord.Kind.fromCode(WireSupport.readByte(buf));
        String name = WireSupport.readString(buf);
        String topic = WireSupport.readString(buf);
        String clientId = WireSupport.readString(buf);
        String selector = WireSupport.readString(buf);
        boolean noLocal = WireSupport.readBool(buf);
        return new QueueRecord(id, kind, name, topic, clientId, selector, noLocal);
    }

    private static byte[] encode(Consumer<ByteBuf> writer) {
        return encode(256, writer);
    }

    /**
     * Encodes into a scratch buffer from Netty's pool (of about {@code sizeHint} bytes, so that a
     * message body is rarely copied while the buffer grows), then into an array of the exact size:
     * the array is all a record leaves behind.
     */
    private static byte[] encode(int sizeHint, Consumer<ByteBuf> writer) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.heapBuffer(sizeHint + 64);
        try {
            writer.accept(buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }
}
