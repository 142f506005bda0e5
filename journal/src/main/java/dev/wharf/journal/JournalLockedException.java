package dev.wharf.journal;

/** The store is held by another process or instance (another broker is running on it). */
public class JournalLockedException extends JournalException {
    private static final long serialVersionUID = 1L;

    public JournalLockedException(String message) {
        super(message);
    }
}
