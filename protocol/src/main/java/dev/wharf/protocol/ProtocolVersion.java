package dev.wharf.protocol;

/** Protocol constants both sides share. */
public final class ProtocolVersion {

    /** The protocol version this code speaks. */
    public static final int CURRENT = 1;

    /** The default TCP port of a broker: {@code wharf://localhost:61700}. */
    public static final int DEFAULT_PORT = 61700;

    /** The default largest frame a peer accepts: 100 MiB. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 100 * 1024 * 1024;

    /** Bytes before a frame's fields: int32 length, uint8 type, int64 correlation id. */
    public static final int HEADER_LENGTH = 4 + 1 + 8;

    private ProtocolVersion() {
    }
}
