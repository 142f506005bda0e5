package dev.wharf.server.selector;

/** A selector that does not parse or is not a boolean condition; the message quotes it and says where. */
public class SelectorSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    public SelectorSyntaxException(String message) {
        super(message);
    }
}
