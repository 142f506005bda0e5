/**
 * The durable log under the broker: {@link dev.wharf.journal.Journal} (the contract),
 * {@link dev.wharf.journal.FileJournal} (segment files, group commit, recovery, compaction),
 * {@link dev.wharf.journal.JdbcJournal} (the same contract in a database), and the store locks
 * {@link dev.wharf.journal.FileLockGuard} and {@link dev.wharf.journal.JdbcLease}. It knows
 * nothing of messages. Everything under {@code internal} is not API.
 *
 * <h2>File journal format, version 1</h2>
 * A directory holds the lock file {@code lock} and segment files named by their id in ten
 * zero-padded decimal digits with the suffix {@code .wj} ({@code 0000000001.wj}); lexical
 * order is log order. Segments are pre-allocated to their full size (zeros), written strictly
 * sequentially, and a record never spans two files. All integers are big-endian; CRCs are
 * CRC32C ({@link java.util.zip.CRC32C}). Mirrored in {@code docs/formats/journal.md}; constants
 * in {@code internal.RecordFormat}.
 *
 * <h3>Segment header (32 bytes)</h3>
 * <pre>
 * offset width field
 *      0     4 magic 0x57484A4E ("WHJN")
 *      4     2 format version (1)
 *      6     2 flags: bit 0 = COMPACTED (this file replaces every file with a lower id)
 *      8     8 file id (the number in the name)
 *     16     8 highest record or transaction id seen when the file was created
 *     24     4 CRC32C of bytes [0, 24)
 *     28     4 reserved, zero
 * </pre>
 *
 * <h3>Record (28 bytes + payload), back to back from offset 32</h3>
 * <pre>
 * offset width field
 *      0     4 length of the whole record (&gt;= 28); 0 = end of data (zeros follow)
 *      4     4 CRC32C of bytes [0, 4) and [8, length)
 *      8     1 kind: 1 ADD, 2 UPDATE, 3 DELETE, 4 ADD_TX, 5 UPDATE_TX, 6 DELETE_TX,
 *                    7 PREPARE, 8 COMMIT, 9 ROLLBACK
 *      9     1 the caller's record type (0 if none)
 *     10     2 reserved, zero
 *     12     8 record id (0 for PREPARE, COMMIT, ROLLBACK)
 *     20     8 transaction id (0 for ADD, UPDATE, DELETE)
 *     28     n payload (record payload, or the prepare data for PREPARE; empty otherwise)
 * </pre>
 *
 * <h3>Recovery</h3>
 * Leftover {@code .tmp}/{@code .cmp} files are deleted; files below the newest COMPACTED file
 * are deleted; then files are replayed in order. The first invalid record (length out of
 * bounds, CRC mismatch, unknown kind, or non-zero bytes after a zero length) of the last file
 * is a torn tail: it and everything after it are zeroed, with a WARN naming the file, the
 * offset and the bytes cut. Anywhere else it is a {@link dev.wharf.journal.JournalCorruptedException}
 * naming the file and offset.
 *
 * <h3>Compaction</h3>
 * A prefix of the sealed files (oldest first) is replaced by one COMPACTED file holding the
 * live records created there and the records of still-open transactions, written aside as
 * {@code .cmp} and renamed into place (the commit point). Compacting only prefixes means a
 * dropped DELETE can never resurrect the record it deleted. See
 * {@link dev.wharf.journal.internal.Compaction}.
 *
 * <h2>JDBC schema</h2>
 * Tables, with a configurable prefix ({@code WHARF_}):
 * <pre>
 * RECORDS      (ID BIGINT PK, SEQ BIGINT, TYPE SMALLINT, PAYLOAD binary)   live records, SEQ = add order
 * TRANSACTIONS (TX_ID BIGINT PK, DATA binary)                              prepared transactions
 * TX_OPS       (TX_ID, SEQ INT, KIND SMALLINT, ID, TYPE, PAYLOAD), PK (TX_ID, SEQ)  their staged operations
 * META         (NAME VARCHAR(64) PK, VAL BIGINT)                           'highest_id'
 * LEASE        (NAME VARCHAR(64) PK, OWNER VARCHAR(200), EXPIRES_AT BIGINT) the store's lock
 * </pre>
 */
package dev.wharf.journal;
