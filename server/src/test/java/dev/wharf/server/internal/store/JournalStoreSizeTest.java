package dev.wharf.server.internal.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.server.internal.core.BrokerException;
import dev.wharf.server.internal.core.StoredMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A message too large for one journal record is refused before it is staged, without encoding the rest. */
class JournalStoreSizeTest {

    private static final int LIMIT = 4096;

    private static StoredMessage message(String messageId, int bodyLength) {
        return new StoredMessage(new WireMessage(messageId, WireDestination.queue("q"), null, null, null,
                WireMessage.PERSISTENT, 4, 0, 0, 0, null, null, Map.of(), BodyType.BYTES, new byte[bodyLength]), "c", null);
    }

    @Test
    void checkEncodableRefusesWhatEncodeRefusesAndPassesWhatFits() throws Exception {
        JournalStore store = new JournalStore(new InMemoryJournal(), LIMIT);
        StoredMessage tooLarge = message("ID:1", LIMIT);
        BrokerException e = assertThrows(BrokerException.class, () -> store.checkEncodable(tooLarge));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("record limit of " + LIMIT), e.getMessage());
        assertThrows(BrokerException.class, () -> store.encode(tooLarge));

        StoredMessage small = message("ID:2", 100);
        assertDoesNotThrow(() -> store.checkEncodable(small));
        // Its bound (3 bytes a char) is over the limit, its encoding (1 byte a char) is not.
        StoredMessage nearTheLimit = message("x".repeat(1000), LIMIT - 1200);
        assertTrue(nearTheLimit.wire().maxEncodedSize() > LIMIT);
        assertTrue(store.encode(nearTheLimit).length <= LIMIT);
        assertDoesNotThrow(() -> store.checkEncodable(nearTheLimit));
    }
}
