package dev.wharf.journal;

import java.util.List;

/**
 * What {@link Journal#open()} found.
 *
 * @param records every live record (added, not deleted; committed transactions applied),
 *     in the order the ids were first added
 * @param preparedTransactions transactions prepared and not resolved (in doubt)
 * @param highestId the highest record or transaction id the store has ever seen, never lower
 *     than at any earlier open (compaction keeps it), or 0 for a new store; a caller that
 *     allocates ids continues above it
 * @param truncatedBytes bytes cut from the torn tail of the last segment (0 after a clean
 *     shutdown)
 */
public record RecoveredJournal(List<RecordInfo> records,
                               List<PreparedTransaction> preparedTransactions,
                               long highestId,
                               long truncatedBytes) {
}
