package dev.wharf.protocol;

/**
 * The JMS message type, which says how {@link WireMessage#body()} is encoded. The broker
 * never looks inside a body; the client owns these encodings:
 * <ul>
 *   <li>{@code MESSAGE}: no body (null).</li>
 *   <li>{@code TEXT}: the text as UTF-8 bytes; null body for a null text.</li>
 *   <li>{@code BYTES}: the bytes as written.</li>
 *   <li>{@code MAP}: a {@link TypedValues} map.</li>
 *   <li>{@code STREAM}: an int32 count then that many {@link TypedValues} values.</li>
 *   <li>{@code OBJECT}: Java serialization of the object; null body for a null object.</li>
 * </ul>
 */
public enum BodyType {
    MESSAGE(0), TEXT(1), BYTES(2), MAP(3), STREAM(4), OBJECT(5);

    private final int code;

    BodyType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static BodyType fromCode(int code) {
        for (BodyType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new ProtocolException("unknown body type: " + code);
    }
}
