package dev.wharf.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * A JMS message as it crosses the wire and as the broker stores it: the headers the broker
 * routes, filters and orders by, the properties, and an opaque body. Immutable: the broker
 * shares one instance between every queue it is routed to. The delivery count and the
 * redelivered flag are not part of it; the broker sends them with each delivery.
 *
 * <h2>Encoding</h2>
 * <pre>
 * field            encoding
 * format           byte: {@link #FORMAT_VERSION}
 * messageId        string (null when the producer disabled message ids)
 * destination      destination (see {@link WireDestination})
 * replyTo          destination
 * correlationId    byte tag: 0 none, 1 string, 2 bytes; then string or bytes
 * deliveryMode     byte: 1 NON_PERSISTENT, 2 PERSISTENT (jakarta.jms.DeliveryMode)
 * priority         byte: 0..9
 * timestamp        int64 ms since the epoch (0 when disabled)
 * expiration       int64 ms since the epoch, 0 for never
 * deliveryTime     int64 ms since the epoch, the earliest delivery (JMS 2.0 delivery delay)
 * type             string
 * producerId       string: the id of the sending connection (for no-local consumers)
 * properties       {@link TypedValues} map
 * bodyType         byte ({@link BodyType})
 * body             bytes
 * </pre>
 * The same bytes are what the broker journals, so {@link #FORMAT_VERSION} versions the stored
 * form too.
 */
public record WireMessage(
        String messageId,
        WireDestination destination,
        WireDestination replyTo,
        String correlationId,
        byte[] correlationIdBytes,
        int deliveryMode,
        int priority,
        long timestamp,
        long expiration,
        long deliveryTime,
        String type,
        String producerId,
        Map<String, Object> properties,
        BodyType bodyType,
        byte[] body) {

    public static final int FORMAT_VERSION = 1;
    public static final int NON_PERSISTENT = 1;
    public static final int PERSISTENT = 2;

    public WireMessage {
        Objects.requireNonNull(bodyType, "bodyType");
        // Most messages have no properties: one shared empty map instead of a map and its wrapper
        // each (about 100 bytes of every message a broker holds).
        properties = properties == null || properties.isEmpty() ? Map.of() : Collections.unmodifiableMap(properties);
        if (deliveryMode != NON_PERSISTENT && deliveryMode != PERSISTENT) {
            throw new IllegalArgumentException("deliveryMode: " + deliveryMode + " (expected: 1 or 2)");
        }
        if (priority < 0 || priority > 9) {
            throw new IllegalArgumentException("priority: " + priority + " (expected: 0..9)");
        }
    }

    public boolean isPersistent() {
        return deliveryMode == PERSISTENT;
    }

    /** True if {@code expiration} is set and not after {@code nowMillis}. */
    public boolean isExpired(long nowMillis) {
        return expiration != 0 && expiration <= nowMillis;
    }

    /** A copy with another destination (the broker uses it for dead-letter and expiry moves). */
    public WireMessage withDestination(WireDestination newDestination) {
        return new WireMessage(messageId, newDestination, replyTo, correlationId, correlationIdBytes, deliveryMode,
                priority, timestamp, expiration, deliveryTime, type, producerId, properties, bodyType, body);
    }

    /**
     * A copy with another body that takes {@code sharedDestination} and {@code sharedProducerId}
     * instead of its own destination and producer id where they are equal (instances other
     * messages hold too, to save memory); null: keep its own.
     */
    public WireMessage withBodySharing(byte[] newBody, WireDestination sharedDestination, String sharedProducerId) {
        WireDestination d = sharedDestination != null && sharedDestination.equals(destination) ? sharedDestination
                : destination;
        String p = sharedProducerId != null && sharedProducerId.equals(producerId) ? sharedProducerId : producerId;
        return new WireMessage(messageId, d, replyTo, correlationId, correlationIdBytes, deliveryMode,
                priority, timestamp, expiration, deliveryTime, type, p, properties, bodyType, newBody);
    }

    /** A copy with other properties. */
    public WireMessage withProperties(Map<String, Object> newProperties) {
        return new WireMessage(messageId, destination, replyTo, correlationId, correlationIdBytes, deliveryMode,
                priority, timestamp, expiration, deliveryTime, type, producerId, newProperties, bodyType, body);
    }

    /** A copy with another body (the broker keeps a body-less copy of a message paged to disk). */
    public WireMessage withBody(byte[] newBody) {
        return new WireMessage(messageId, destination, replyTo, correlationId, correlationIdBytes, deliveryMode,
                priority, timestamp, expiration, deliveryTime, type, producerId, properties, bodyType, newBody);
    }

    /** A copy with another expiration (0: never). */
    public WireMessage withExpiration(long newExpiration) {
        return new WireMessage(messageId, destination, replyTo, correlationId, correlationIdBytes, deliveryMode,
                priority, timestamp, newExpiration, deliveryTime, type, producerId, properties, bodyType, body);
    }

    /** A rough size in bytes, for memory accounting and frame limits. */
    public int estimatedSize() {
        int size = 64 + (body == null ? 0 : body.length);
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            size += 8 + e.getKey().length() * 2;
            Object v = e.getValue();
            size += v instanceof String s ? s.length() * 2 : v instanceof byte[] b ? b.length : 8;
        }
        return size;
    }

    /**
     * An upper bound of the length {@link #encode} writes, found without encoding: each string is
     * counted at 3 bytes a char (the most UTF-8 takes for one UTF-16 char). For checking a size
     * limit cheaply; only a message near the limit needs encoding to know.
     */
    public long maxEncodedSize() {
        long n = 1 + maxSize(messageId) + maxSize(destination) + maxSize(replyTo) + 1;
        if (correlationIdBytes != null) {
            n += 4 + correlationIdBytes.length;
        } else if (correlationId != null) {
            n += maxSize(correlationId);
        }
        n += 2 + 3 * 8 + maxSize(type) + maxSize(producerId) + 4;
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            Object v = e.getValue();
            // A tag, then at most 8 bytes for a primitive, or a length and the bytes.
            n += maxSize(e.getKey()) + 1 + (v instanceof String str ? maxSize(str) : v instanceof byte[] b ? 4 + b.length : 8);
        }
        return n + 1 + 4 + (body == null ? 0 : body.length);
    }

    private static long maxSize(String s) {
        return 4 + (s == null ? 0 : 3L * s.length());
    }

    private static long maxSize(WireDestination d) {
        return 1 + (d == null ? 0 : maxSize(d.name()));
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(FORMAT_VERSION);
        WireSupport.writeString(buf, messageId);
        WireDestination.write(buf, destination);
        WireDestination.write(buf, replyTo);
        if (correlationIdBytes != null) {
            buf.writeByte(2);
            WireSupport.writeBytes(buf, correlationIdBytes);
        } else if (correlationId != null) {
            buf.writeByte(1);
            WireSupport.writeString(buf, correlationId);
        } else {
            buf.writeByte(0);
        }
        buf.writeByte(deliveryMode);
        buf.writeByte(priority);
        buf.writeLong(timestamp);
        buf.writeLong(expiration);
        buf.writeLong(deliveryTime);
        WireSupport.writeString(buf, type);
        WireSupport.writeString(buf, producerId);
        TypedValues.writeMap(buf, properties);
        buf.writeByte(bodyType.code());
        WireSupport.writeBytes(buf, body);
    }

    public static WireMessage decode(ByteBuf buf) {
        int format = WireSupport.readByte(buf);
        if (format != FORMAT_VERSION) {
            throw new ProtocolException("unsupported message format: " + format + " (expected: " + FORMAT_VERSION + ")");
        }
        String messageId = WireSupport.readString(buf);
        WireDestination destination = WireDestination.read(buf);
        WireDestination replyTo = WireDestination.read(buf);
        String correlationId = null;
        byte[] correlationIdBytes = null;
        int correlationTag = WireSupport.readByte(buf);
        switch (correlationTag) {
            case 0 -> { }
            case 1 -> correlationId = WireSupport.readString(buf);
            case 2 -> correlationIdBytes = WireSupport.readBytes(buf);
            default -> throw new ProtocolException("unknown correlation id tag: " + correlationTag);
        }
        int deliveryMode = WireSupport.readByte(buf);
        int priority = WireSupport.readByte(buf);
        if (deliveryMode != NON_PERSISTENT && deliveryMode != PERSISTENT) {
            throw new ProtocolException("invalid delivery mode: " + deliveryMode);
        }
        if (priority < 0 || priority > 9) {
            throw new ProtocolException("invalid priority: " + priority);
        }
        long timestamp = WireSupport.readLong(buf);
        long expiration = WireSupport.readLong(buf);
        long deliveryTime = WireSupport.readLong(buf);
        String type = WireSupport.readString(buf);
        String producerId = WireSupport.readString(buf);
        Map<String, Object> properties = TypedValues.readMap(buf);
        BodyType bodyType = BodyType.fromCode(WireSupport.readByte(buf));
        byte[] body = WireSupport.readBytes(buf);
        return new WireMessage(messageId, destination, replyTo, correlationId, correlationIdBytes, deliveryMode,
                priority, timestamp, expiration, deliveryTime, type, producerId, properties, bodyType, body);
    }
}
