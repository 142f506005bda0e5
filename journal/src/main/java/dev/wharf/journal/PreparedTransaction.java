package dev.wharf.journal;

import java.util.List;

/**
 * A transaction that was prepared and neither committed nor rolled back when the store was
 * last closed or crashed: it is in doubt until the caller resolves it with
 * {@link Journal#commit} or {@link Journal#rollback} under the same {@code txId}.
 *
 * @param txId the transaction id given to {@link Journal#prepare}
 * @param data the data given to {@link Journal#prepare} (for example an encoded Xid)
 * @param records the records the transaction adds or updates (applied on commit)
 * @param deletedIds the ids it deletes (applied on commit)
 */
public record PreparedTransaction(long txId, byte[] data, List<RecordInfo> records, List<Long> deletedIds) {
}
