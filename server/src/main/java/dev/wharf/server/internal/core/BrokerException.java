package dev.wharf.server.internal.core;

import dev.wharf.protocol.ErrorCode;
import java.util.Objects;

/**
 * A request the broker refuses, with the {@link ErrorCode} the client sees in its ERROR frame.
 * Thrown by the core on the broker thread and turned into an ERROR frame by
 * {@link BrokerConnection}; never escapes to Netty.
 */
public final class BrokerException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public BrokerException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
