package dev.wharf.journal;

/** A failure of the store. Once thrown for an I/O error, the journal stays failed. */
public class JournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
