package dev.wharf.server.internal.core;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.server.selector.Selector;
import dev.wharf.server.selector.SelectorSyntaxException;

/** Static helpers around the selector engine: parsing with protocol errors, safe matching. */
public final class SelectorSupport {

    private SelectorSupport() {
    }

    /** Null or blank selectors mean "everything"; used to compare subscriptions too. */
    public static String normalize(String selector) {
        return selector == null || selector.isBlank() ? null : selector.trim();
    }

    /** Parses {@code text}; null or blank gives {@link Selector#ALL}. */
    public static Selector parse(String text) throws BrokerException {
        String s = normalize(text);
        if (s == null) {
            return Selector.ALL;
        }
        try {
            // Parse what the user wrote, so the error quotes it exactly.
            return Selector.parse(text);
        } catch (SelectorSyntaxException e) {
            throw new BrokerException(ErrorCode.INVALID_SELECTOR, e.getMessage());
        } catch (RuntimeException e) {
            throw new BrokerException(ErrorCode.INVALID_SELECTOR, "invalid selector '" + s + "': " + e.getMessage());
        }
    }

    /** True if the selector matches; an evaluation failure counts as no match. */
    public static boolean matches(Selector selector, MessageRef ref) {
        if (selector == Selector.ALL) {
            return true;
        }
        try {
            return selector.matches(new MessageSelectorContext(ref.message().wire(), ref.deliveryCount()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** True if the selector matches a message not yet in any queue. */
    public static boolean matches(Selector selector, StoredMessage message) {
        if (selector == Selector.ALL) {
            return true;
        }
        try {
            return selector.matches(new MessageSelectorContext(message.wire(), 1));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
