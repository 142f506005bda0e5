package dev.wharf.journal;

/**
 * A snapshot of a journal's counters since it was opened.
 *
 * @param records records appended (all kinds)
 * @param forces forces (fsyncs) performed; {@code records / forces} is the group-commit ratio
 * @param bytesWritten bytes appended
 * @param liveRecords records currently live
 * @param files segment files (or, for a JDBC store, 0)
 * @param compactions compactions completed
 */
public record JournalStats(long records, long forces, long bytesWritten, long liveRecords, int files, long compactions) {
}
