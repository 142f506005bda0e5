package dev.wharf.server.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.ProtocolVersion;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.FlowFrame;
import dev.wharf.protocol.frame.ConnectedFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.CreateSessionFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.OkFrame;
import dev.wharf.protocol.frame.PingFrame;
import dev.wharf.protocol.frame.PongFrame;
import dev.wharf.protocol.frame.SendFrame;
import dev.wharf.server.EmbeddedBroker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Over the wire against a real broker with a bare frame client. */
@Timeout(30)
class BrokerWireTest {

    @TempDir
    Path data;
    private EmbeddedBroker broker;
    private RawClient client;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).maxFrameSize(4096).build();
        broker.start();
        client = new RawClient(broker.port());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        broker.close();
    }

    private void connect() throws InterruptedException {
        client.send(new Packet(1, new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT, null, null, null)));
        ConnectedFrame c = assertInstanceOf(ConnectedFrame.class, client.next().frame());
        assertEquals(4096, c.maxFrameSize());
        client.send(new Packet(1, new FlowFrame(true)));
        assertInstanceOf(OkFrame.class, client.next().frame());
    }

    private static WireMessage message(String text, int bodyBytes) {
        byte[] body = bodyBytes > 0 ? new byte[bodyBytes] : text.getBytes(StandardCharsets.UTF_8);
        return new WireMessage("ID:" + text, WireDestination.queue("wire"), null, null, null, WireMessage.PERSISTENT, 4,
                1, 0, 0, null, null, null, BodyType.TEXT, body);
    }

    private void assertPingWorks(long corr) throws InterruptedException {
        client.send(new Packet(corr, new PingFrame()));
        Packet pong = client.next();
        assertInstanceOf(PongFrame.class, pong.frame());
        assertEquals(corr, pong.correlationId());
    }

    @Test
    void connectIsAnsweredWithConnected() throws Exception {
        connect();
        assertPingWorks(2);
    }

    @Test
    void badMagicIsAnsweredWithErrorAndTheConnectionClosed() throws Exception {
        client.send(new Packet(1, new ConnectFrame(0x12345678, 1, null, null, null)));
        ErrorFrame e = assertInstanceOf(ErrorFrame.class, client.next().frame());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertTrue(e.message().contains("magic"), e.message());
        assertTrue(client.awaitClosed());
    }

    @Test
    void unknownFrameTypeIsAnsweredWithErrorAndTheConnectionStillWorks() throws Exception {
        connect();
        ByteBuf raw = Unpooled.buffer();
        raw.writeInt(1 + 8).writeByte(200).writeLong(7);
        client.sendRaw(raw);
        Packet p = client.next();
        assertEquals(7, p.correlationId());
        assertEquals(ErrorCode.PROTOCOL_ERROR, assertInstanceOf(ErrorFrame.class, p.frame()).code());
        assertPingWorks(8);
    }

    @Test
    void oversizedFrameIsMessageTooLargeAndTheConnectionStillWorks() throws Exception {
        connect();
        client.send(new Packet(1, new CreateSessionFrame(1, 1)));
        assertInstanceOf(OkFrame.class, client.next().frame());
        client.send(new Packet(2, new SendFrame(1, 1, message("big", 10_000))));
        Packet p = client.next();
        assertEquals(2, p.correlationId());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, assertInstanceOf(ErrorFrame.class, p.frame()).code());
        assertPingWorks(3);
    }

    @Test
    void sentMessageIsDeliveredToAConsumer() throws Exception {
        connect();
        client.send(new Packet(1, new CreateSessionFrame(1, 1)));
        assertInstanceOf(OkFrame.class, client.next().frame());
        client.send(new Packet(2, new SendFrame(1, 1, message("hello", 0))));
        assertInstanceOf(OkFrame.class, client.next().frame());
        client.send(new Packet(3, new CreateConsumerFrame(1, 1, WireDestination.queue("wire"), null, false,
                SubscriptionKind.NONE, null, 10)));
        assertInstanceOf(OkFrame.class, client.next().frame());
        DeliverFrame d = assertInstanceOf(DeliverFrame.class, client.next().frame());
        assertEquals("hello", new String(d.message().body(), StandardCharsets.UTF_8));
        assertEquals(1, d.deliveryCount());
    }

    @Test
    void frameBeforeConnectIsRefused() throws Exception {
        client.send(new Packet(1, new CreateSessionFrame(1, 1)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, assertInstanceOf(ErrorFrame.class, client.next().frame()).code());
        assertTrue(client.awaitClosed());
    }

    @Test
    void clientThatAskedForATtlAndFallsSilentIsDisconnectedAndItsDeliveryGoesBack() throws Exception {
        client.send(new Packet(1, new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT, null, null, null, 300)));
        assertInstanceOf(ConnectedFrame.class, client.next().frame());
        client.send(new Packet(2, new FlowFrame(true)));
        assertInstanceOf(OkFrame.class, client.next().frame());
        client.send(new Packet(3, new CreateSessionFrame(1, 2)));
        assertInstanceOf(OkFrame.class, client.next().frame());
        client.send(new Packet(4, new SendFrame(1, 1, message("held", 0))));
        assertInstanceOf(OkFrame.class, client.next().frame());
        client.send(new Packet(5, new CreateConsumerFrame(1, 1, WireDestination.queue("wire"), null, false,
                SubscriptionKind.NONE, null, 10)));
        assertInstanceOf(OkFrame.class, client.next().frame());
        assertInstanceOf(DeliverFrame.class, client.next().frame());
        // Not a byte more from this client: the broker gives it up after its TTL.
        assertTrue(client.awaitClosed(), "the broker kept a silent client's connection open");

        RawClient other = new RawClient(broker.port());
        try {
            other.send(new Packet(1, new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT, null, null, null)));
            assertInstanceOf(ConnectedFrame.class, other.next().frame());
            other.send(new Packet(2, new FlowFrame(true)));
            assertInstanceOf(OkFrame.class, other.next().frame());
            other.send(new Packet(3, new CreateSessionFrame(1, 1)));
            assertInstanceOf(OkFrame.class, other.next().frame());
            other.send(new Packet(4, new CreateConsumerFrame(1, 1, WireDestination.queue("wire"), null, false,
                    SubscriptionKind.NONE, null, 10)));
            assertInstanceOf(OkFrame.class, other.next().frame());
            DeliverFrame again = assertInstanceOf(DeliverFrame.class, other.next().frame());
            assertEquals("held", new String(again.message().body(), StandardCharsets.UTF_8));
            assertEquals(2, again.deliveryCount());
        } finally {
            other.close();
        }
    }

    @Test
    void clientThatPingsInsideItsTtlStaysConnected() throws Exception {
        client.send(new Packet(1, new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT, null, null, null, 400)));
        assertInstanceOf(ConnectedFrame.class, client.next().frame());
        for (int i = 0; i < 15; i++) {
            Thread.sleep(100);
            assertPingWorks(10 + i);
        }
    }

    @Test
    void clientWithoutATtlIsNeverDisconnectedForSilence() throws Exception {
        connect();
        Thread.sleep(1_000);
        assertPingWorks(2);
    }
}
