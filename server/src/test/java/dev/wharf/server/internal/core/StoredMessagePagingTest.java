package dev.wharf.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.server.internal.store.PageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A routed or paged message keeps only what it cannot share with the other messages of its address. */
class StoredMessagePagingTest {

    @TempDir
    Path dir;

    @Test
    void aRoutedMessageSharesItsAddresssDestinationAndItsSendersIdAndKeepsItsBody() {
        WireDestination address = WireDestination.queue("orders");
        String connectionId = "conn-" + 7;
        byte[] body = "a body".getBytes(StandardCharsets.UTF_8);
        WireMessage wire = new WireMessage("ID:1", WireDestination.queue(new String("orders")), null, null, null,
                WireMessage.PERSISTENT, 4, 1, 0, 0, null, new String(connectionId), null, BodyType.TEXT, body);
        StoredMessage m = new StoredMessage(wire, connectionId, null);
        AddressUsage usage = new AddressUsage(address, new AddressUsage.Total());

        m.countIn(usage, 1);

        assertSame(address, m.wire().destination(), "the address's own destination instance");
        assertSame(connectionId, m.wire().producerId(), "the connection's own id instance");
        assertSame(body, m.wire().body());
        assertEquals(wire.messageId(), m.wire().messageId());
        assertEquals(HeapEstimate.routed(m.wire(), 1, 0), usage.bytes());
        m.refGone();
        assertEquals(0, usage.bytes());
    }

    @Test
    void aPagedMessageSharesItsAddresssDestinationAndItsSendersIdAndComesBackWhole() throws Exception {
        WireDestination address = WireDestination.queue("orders");
        String connectionId = "conn-" + 7;
        // Equal values, other instances: as decoded from a frame.
        WireDestination decoded = WireDestination.queue(new String("orders"));
        String producerId = new String(connectionId);
        byte[] body = "a body".getBytes(StandardCharsets.UTF_8);
        WireMessage wire = new WireMessage("ID:1", decoded, null, null, null, WireMessage.PERSISTENT, 4, 1, 0, 0,
                null, producerId, null, BodyType.TEXT, body);
        StoredMessage m = new StoredMessage(wire, connectionId, null);
        assertNotSame(address, m.wire().destination());
        try (PageStore pages = new PageStore(dir, 1 << 20)) {
            m.pageOut(pages, address);

            assertTrue(m.isPaged());
            assertSame(address, m.wire().destination(), "the address's own destination instance");
            assertSame(connectionId, m.wire().producerId(), "the connection's own id instance");
            assertEquals(0, m.wire().body().length);
            WireMessage whole = m.fullWire();
            assertArrayEquals(body, whole.body());
            assertEquals(wire.messageId(), whole.messageId());
            assertEquals(address, whole.destination());
            assertEquals(connectionId, whole.producerId());
        }
    }
}
