package dev.wharf.journal;

/** A record that is not the torn tail of the last segment failed validation. Names file and offset. */
public class JournalCorruptedException extends JournalException {
    private static final long serialVersionUID = 1L;

    public JournalCorruptedException(String message) {
        super(message);
    }
}
