package dev.wharf.server.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Pins the stored layouts of the broker's journal records (version 1). */
class StoreRecordsTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void refRecordLayoutIsMessageIdQueueIdDeliveryCount() {
        byte[] bytes = StoreRecords.encodeRef(0x0102030405060708L, 0x11L, 3);
        assertEquals("0102030405060708" + "0000000000000011" + "00000003", HEX.formatHex(bytes));
        assertEquals(new StoreRecords.RefRecord(9, 0x0102030405060708L, 0x11L, 3), StoreRecords.decodeRef(9, bytes));
    }

    @Test
    void queueRecordLayoutIsVersionKindThenStringsThenNoLocal() {
        QueueRecord q = new QueueRecord(5, QueueRecord.Kind.DURABLE_SUBSCRIPTION, "s", "t", "c", null, true);
        byte[] bytes = StoreRecords.encodeQueue(q);
        assertEquals("01" + "02" + "0000000173" + "0000000174" + "0000000163" + "ffffffff" + "01", HEX.formatHex(bytes));
        assertEquals(q, StoreRecords.decodeQueue(5, bytes));
    }

    @Test
    void duplicateIdRecordKeepsItsAddressAndIdAndRejectsAMissingId() {
        byte[] bytes = StoreRecords.encodeDuplicateId(dev.wharf.protocol.WireDestination.topic("prices"), "p-1");
        StoreRecords.DuplicateIdRecord r = StoreRecords.decodeDuplicateId(9, bytes);
        assertEquals(new StoreRecords.DuplicateIdRecord(9, dev.wharf.protocol.WireDestination.topic("prices"), "p-1"), r);
        byte[] noId = StoreRecords.encodeDuplicateId(dev.wharf.protocol.WireDestination.queue("q"), null);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> StoreRecords.decodeDuplicateId(3, noId));
    }

    @Test
    void queueRecordOfAnUnknownVersionIsRejected() {
        byte[] bytes = StoreRecords.encodeQueue(QueueRecord.queue("q").withId(1));
        bytes[0] = 2;
        assertThrows(IllegalArgumentException.class, () -> StoreRecords.decodeQueue(1, bytes));
    }

    @Test
    void largeMessageRecordLayoutIsFileIdLengthThenTheBodylessMessage() {
        dev.wharf.protocol.WireMessage m = new dev.wharf.protocol.WireMessage("ID:1", dev.wharf.protocol.WireDestination.queue("q"),
                null, null, null, 2, 4, 5, 0, 0, null, null, null, dev.wharf.protocol.BodyType.BYTES, null);
        byte[] bytes = StoreRecords.encodeLargeMessage(0x001a2355a1ab6001L, 1L << 30, m);
        assertEquals("001a2355a1ab6001" + "0000000040000000", HEX.formatHex(bytes, 0, 16));
        StoreRecords.LargeMessageRecord r = StoreRecords.decodeLargeMessage(7, bytes);
        assertEquals(0x001a2355a1ab6001L, r.fileId());
        assertEquals(1L << 30, r.bodyLength());
        assertEquals("ID:1", r.message().messageId());
        assertEquals(null, r.message().body());
        assertThrows(IllegalArgumentException.class, () -> StoreRecords.decodeLargeMessage(7, new byte[15]));
    }

    @Test
    void refRecordOfTheWrongLengthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> StoreRecords.decodeRef(1, new byte[3]));
        assertArrayEquals(new byte[20], StoreRecords.encodeRef(0, 0, 0));
    }
}
