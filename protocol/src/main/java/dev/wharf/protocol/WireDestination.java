package dev.wharf.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * A destination on the wire: a kind and a name. Encoded as one kind byte (0 for a null
 * destination, then nothing else) followed by the name as a {@code string}.
 *
 * <p>Names of temporary destinations are chosen by the client and unique per broker
 * (they embed the connection id).
 */
public record WireDestination(Kind kind, String name) {

    public WireDestination {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** The kinds of destination; {@link #code()} is the wire byte. */
    public enum Kind {
        QUEUE(1), TOPIC(2), TEMP_QUEUE(3), TEMP_TOPIC(4);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** True for a queue or a temporary queue (point-to-point). */
        public boolean isQueue() {
            return this == QUEUE || this == TEMP_QUEUE;
        }

        public boolean isTemporary() {
            return this == TEMP_QUEUE || this == TEMP_TOPIC;
        }

        public static Kind fromCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new ProtocolException("unknown destination kind: " + code);
        }
    }

    public static WireDestination queue(String name) {
        return new WireDestination(Kind.QUEUE, name);
    }

    public static WireDestination topic(String name) {
        return new WireDestination(Kind.TOPIC, name);
    }

    public boolean isQueue() {
        return kind.isQueue();
    }

    public static void write(ByteBuf buf, WireDestination d) {
        if (d == null) {
            buf.writeByte(0);
            return;
        }
        buf.writeByte(d.kind.code);
        WireSupport.writeString(buf, d.name);
    }

    public static WireDestination read(ByteBuf buf) {
        int code = WireSupport.readByte(buf);
        if (code == 0) {
            return null;
        }
        Kind kind = Kind.fromCode(code);
        String name = WireSupport.readString(buf);
        if (name == null) {
            throw new ProtocolException("destination of kind " + kind + " has a null name");
        }
        return new WireDestination(kind, name);
    }

    @Override
    public String toString() {
        return kind + ":" + name;
    }
}
