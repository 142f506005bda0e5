package dev.wharf.server.internal.store;

import dev.wharf.journal.FileJournal;
import dev.wharf.journal.JdbcJournal;
import dev.wharf.journal.Journal;
import java.nio.file.Path;

/** Creates the journal a broker is configured with: the file journal, or the JDBC store. */
public final class JournalFactory {

    /** Largest JDBC payload: the JDBC store's default. */
    static final int JDBC_MAX_PAYLOAD = 64 * 1024 * 1024;

    private JournalFactory() {
    }

    /**
     * A store over a file journal in {@code dataDirectory/journal}, or over {@code jdbcUrl} when
     * it is set. Nothing is opened yet.
     */
    public static JournalStore create(Path dataDirectory, String jdbcUrl, String jdbcUser, String jdbcPassword) {
        return create(dataDirectory, jdbcUrl, jdbcUser, jdbcPassword, java.time.Duration.ZERO, null, () -> { });
    }

    /**
     * @param lockWait how long opening waits for another broker's lock on the store (a backup waits)
     * @param leaseTtl the JDBC store's lease time to live, or null for its default
     * @param onStoreLost called when the JDBC store's lease was taken by another broker
     */
    public static JournalStore create(Path dataDirectory, String jdbcUrl, String jdbcUser, String jdbcPassword,
                                      java.time.Duration lockWait, java.time.Duration leaseTtl, Runnable onStoreLost) {
        if (jdbcUrl != null) {
            JdbcJournal.Builder b = JdbcJournal.builder()
                    .jdbcUrl(jdbcUrl, jdbcUser == null ? "sa" : jdbcUser, jdbcPassword == null ? "" : jdbcPassword)
                    .lockWait(lockWait)
                    .onLeaseLost(onStoreLost);
            if (leaseTtl != null) {
                b.leaseTtl(leaseTtl);
            }
            JdbcJournal j = b.build();
            return new JournalStore(j, JDBC_MAX_PAYLOAD);
        }
        FileJournal j = FileJournal.builder(dataDirectory.resolve("journal")).lockWait(lockWait).build();
        return new JournalStore(j, j.maxPayloadSize());
    }

    /** A store over a journal the caller made (tests, custom stores). */
    public static JournalStore wrap(Journal journal) {
        return new JournalStore(journal, Integer.MAX_VALUE - 64);
    }
}
