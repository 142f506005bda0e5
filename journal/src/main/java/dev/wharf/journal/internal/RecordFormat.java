package dev.wharf.journal.internal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The byte layout of segment files and records; the single place that encodes and decodes
 * them. The layout is documented field by field in the {@code dev.wharf.journal} package
 * documentation and in {@code docs/formats/journal.md}; the {@code *_OFFSET} constants here
 * mirror it. All integers are big-endian.
 *
 * <p>Stateless and thread-safe.
 */
public final class RecordFormat {

    // ---- File header (32 bytes) ----
    /** "WHJN" in ASCII: the first four bytes of every segment file. */
    public static final int MAGIC = 0x57484A4E;
    /** The format version this code writes and reads. */
    public static final short VERSION = 1;
    public static final int MAGIC_OFFSET = 0;          // int32
    public static final int VERSION_OFFSET = 4;        // int16
    public static final int FLAGS_OFFSET = 6;          // int16
    public static final int FILE_ID_OFFSET = 8;        // int64
    public static final int HIGHEST_ID_OFFSET = 16;    // int64
    public static final int HEADER_CRC_OFFSET = 24;    // int32, CRC32C of bytes [0, 24)
    // bytes [28, 32) reserved, zero
    public static final int HEADER_LENGTH = 32;
    /** Header flag: the file is the output of a compaction and supersedes every file with a lower id. */
    public static final short FLAG_COMPACTED = 1;

    // ---- Record (28-byte header + payload) ----
    public static final int LENGTH_OFFSET = 0;         // int32, whole record length, >= RECORD_HEADER_LENGTH
    public static final int CRC_OFFSET = 4;            // int32, CRC32C of bytes [0,4) and [8, length)
    public static final int KIND_OFFSET = 8;           // int8
    public static final int USER_TYPE_OFFSET = 9;      // int8
    public static final int RESERVED_OFFSET = 10;      // int16, zero
    public static final int ID_OFFSET = 12;            // int64
    public static final int TX_ID_OFFSET = 20;         // int64
    public static final int PAYLOAD_OFFSET = 28;       // payload bytes up to length
    public static final int RECORD_HEADER_LENGTH = 28;

    public static final byte ADD = 1;
    public static final byte UPDATE = 2;
    public static final byte DELETE = 3;
    public static final byte ADD_TX = 4;
    public static final byte UPDATE_TX = 5;
    public static final byte DELETE_TX = 6;
    public static final byte PREPARE = 7;
    public static final byte COMMIT = 8;
    public static final byte ROLLBACK = 9;

    private RecordFormat() {
    }

    /** Whether {@code kind} is one of the record kinds above. */
    public static boolean isValidKind(byte kind) {
        return kind >= ADD && kind <= ROLLBACK;
    }

    public static String kindName(byte kind) {
        switch (kind) {
            case ADD: return "ADD";
            case UPDATE: return "UPDATE";
            case DELETE: return "DELETE";
            case ADD_TX: return "ADD_TX";
            case UPDATE_TX: return "UPDATE_TX";
            case DELETE_TX: return "DELETE_TX";
            case PREPARE: return "PREPARE";
            case COMMIT: return "COMMIT";
            case ROLLBACK: return "ROLLBACK";
            default: return "unknown(" + kind + ")";
        }
    }

    /** The length a record with {@code payloadLength} payload bytes takes on disk. */
    public static int recordLength(int payloadLength) {
        return RECORD_HEADER_LENGTH + payloadLength;
    }

    /**
     * Writes one record at {@code dst}'s position and advances it.
     *
     * @return the record length
     */
    public static int encode(ByteBuffer dst, byte kind, byte userType, long id, long txId, byte[] payload) {
        int start = dst.position();
        int length = recordLength(payload.length);
        dst.putInt(start + LENGTH_OFFSET, length);
        dst.putInt(start + CRC_OFFSET, 0);
        dst.put(start + KIND_OFFSET, kind);
        dst.put(start + USER_TYPE_OFFSET, userType);
        dst.putShort(start + RESERVED_OFFSET, (short) 0);
        dst.putLong(start + ID_OFFSET, id);
        dst.putLong(start + TX_ID_OFFSET, txId);
        dst.position(start + PAYLOAD_OFFSET);
        dst.put(payload);
        dst.putInt(start + CRC_OFFSET, recordCrc(dst, start, length));
        return length;
    }

    /** The CRC32C of a record lying at absolute index {@code start} of {@code buf}. */
    public static int recordCrc(ByteBuffer buf, int start, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer b = buf.duplicate();
        b.limit(start + CRC_OFFSET).position(start + LENGTH_OFFSET);
        crc.update(b);
        b.limit(start + length).position(start + KIND_OFFSET);
        crc.update(b);
        return (int) crc.getValue();
    }

    /** A new 32-byte file header, positioned at 0. */
    public static ByteBuffer encodeHeader(long fileId, long highestId, short flags) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
        b.putInt(MAGIC_OFFSET, MAGIC);
        b.putShort(VERSION_OFFSET, VERSION);
        b.putShort(FLAGS_OFFSET, flags);
        b.putLong(FILE_ID_OFFSET, fileId);
        b.putLong(HIGHEST_ID_OFFSET, highestId);
        b.putInt(HEADER_CRC_OFFSET, headerCrc(b));
        return b;
    }

    /** CRC32C of bytes [0, 24) of a header lying at index 0 of {@code buf}. */
    public static int headerCrc(ByteBuffer buf) {
        CRC32C crc = new CRC32C();
        ByteBuffer b = buf.duplicate();
        b.limit(HEADER_CRC_OFFSET).position(0);
        crc.update(b);
        return (int) crc.getValue();
    }

    /** A copy of the payload of the record at absolute index {@code start}. */
    public static byte[] payload(ByteBuffer buf, int start) {
        int length = buf.getInt(start + LENGTH_OFFSET);
        byte[] p = new byte[length - RECORD_HEADER_LENGTH];
        buf.get(start + PAYLOAD_OFFSET, p);
        return p;
    }
}
