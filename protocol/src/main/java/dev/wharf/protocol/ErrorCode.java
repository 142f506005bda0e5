package dev.wharf.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Why a request failed. The client turns each into the matching {@code jakarta.jms}
 * exception (named beside each constant).
 */
public enum ErrorCode {
    /** Malformed frame or unexpected frame; the connection is closed. JMSException. */
    PROTOCOL_ERROR(1),
    /** The peer speaks a protocol version this side does not. JMSException. */
    UNSUPPORTED_VERSION(2),
    /** Authentication or authorization failed. JMSSecurityException. */
    SECURITY(3),
    /** The client id is invalid or in use. InvalidClientIDException. */
    INVALID_CLIENT_ID(4),
    /** The destination does not exist or cannot be used this way. InvalidDestinationException. */
    INVALID_DESTINATION(5),
    /** The selector does not parse. InvalidSelectorException. */
    INVALID_SELECTOR(6),
    /** The request is not allowed in the current state. IllegalStateException (jakarta.jms). */
    ILLEGAL_STATE(7),
    /** The transaction could not commit and was rolled back. TransactionRolledBackException. */
    TRANSACTION_ROLLED_BACK(8),
    /** A message or frame exceeds a configured maximum. JMSException. */
    MESSAGE_TOO_LARGE(9),
    /** The broker is out of a resource (memory, disk, connections). ResourceAllocationException. */
    RESOURCE_ALLOCATION(10),
    /** The message is not well formed. MessageFormatException. */
    MESSAGE_FORMAT(11),
    /** The broker failed (an I/O error, a bug). JMSException. */
    INTERNAL_ERROR(12),
    /** Any other JMS failure. JMSException. */
    JMS(13);

    private static final Map<Integer, ErrorCode> BY_CODE = new HashMap<>();

    static {
        for (ErrorCode c : values()) {
            if (BY_CODE.put(c.code, c) != null) {
                throw new ExceptionInInitializerError("duplicate error code " + c.code);
            }
        }
    }

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ErrorCode fromCode(int code) {
        ErrorCode c = BY_CODE.get(code);
        if (c == null) {
            throw new ProtocolException("unknown error code: " + code);
        }
        return c;
    }
}
