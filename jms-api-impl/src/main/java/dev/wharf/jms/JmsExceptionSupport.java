package dev.wharf.jms;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.frame.ErrorFrame;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.TransactionRolledBackException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns broker errors and internal failures into JMS exceptions, keeping the cause. One place for it. */
public final class JmsExceptionSupport {

    private JmsExceptionSupport() {
    }

    /** The JMS exception for an ERROR frame from the broker. */
    public static JMSException fromError(ErrorFrame error) {
        return create(error.code(), error.message());
    }

    public static JMSException create(ErrorCode code, String message) {
        String errorCode = code.name();
        return switch (code) {
            case SECURITY -> new JMSSecurityException(message, errorCode);
            case INVALID_CLIENT_ID -> new InvalidClientIDException(message, errorCode);
            case INVALID_DESTINATION -> new InvalidDestinationException(message, errorCode);
            case INVALID_SELECTOR -> new InvalidSelectorException(message, errorCode);
            case ILLEGAL_STATE -> new IllegalStateException(message, errorCode);
            case TRANSACTION_ROLLED_BACK -> new TransactionRolledBackException(message, errorCode);
            case RESOURCE_ALLOCATION -> new ResourceAllocationException(message, errorCode);
            case MESSAGE_FORMAT -> new MessageFormatException(message, errorCode);
            default -> new JMSException(message, errorCode);
        };
    }

    /** Wraps any throwable as a JMSException (a JMSException passes through unchanged). */
    public static JMSException toJms(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof JMSException e) {
            return e;
        }
        JMSException e = new JMSException(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        e.setLinkedException(cause instanceof Exception ex ? ex : new Exception(cause));
        e.initCause(cause);
        return e;
    }
}
