package dev.wharf.protocol;

/**
 * Malformed or unacceptable wire input: a bad length, an unknown frame type or code, a
 * truncated field. The receiver answers it with an {@link ErrorCode#PROTOCOL_ERROR} frame and
 * closes the connection; it is never thrown out of a Netty pipeline.
 */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
