package dev.wharf.server.internal.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.ProtocolVersion;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.BodyChunkFrame;
import dev.wharf.protocol.frame.BodyEndFrame;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.ConnectedFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.CreateSessionFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.FlowFrame;
import dev.wharf.protocol.frame.LargeDeliverFrame;
import dev.wharf.protocol.frame.LargeSendFrame;
import dev.wharf.protocol.frame.OkFrame;
import dev.wharf.protocol.frame.PingFrame;
import dev.wharf.protocol.frame.PongFrame;
import dev.wharf.server.EmbeddedBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Large-message streams over the wire against a real broker with a bare frame client: good and bad ones. */
@Timeout(30)
class LargeMessageWireTest {

    @TempDir
    Path data;
    private EmbeddedBroker broker;
    private RawClient client;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).maxFrameSize(64 * 1024).build();
        broker.start();
        client = new RawClient(broker.port());
        client.send(new Packet(1, new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT, null, null, null)));
        assertInstanceOf(ConnectedFrame.class, client.next().frame());
        client.send(new Packet(2, new FlowFrame(true)));
        assertInstanceOf(OkFrame.class, client.next().frame());
        client.send(new Packet(3, new CreateSessionFrame(1, 1)));
        assertInstanceOf(OkFrame.class, client.next().frame());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        broker.close();
    }

    private static WireMessage header(String id) {
        return new WireMessage(id, WireDestination.queue("wire"), null, null, null, WireMessage.PERSISTENT, 4, 1, 0, 0,
                null, null, null, BodyType.BYTES, null);
    }

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(data.resolve("large"))) {
            return s.count();
        }
    }

    private void send(long stream, byte[] body, int chunk) {
        for (int off = 0; off < body.length; off += chunk) {
            client.send(new Packet(0, new BodyChunkFrame(stream, java.util.Arrays.copyOfRange(body, off,
                    Math.min(body.length, off + chunk)))));
        }
    }

    private void assertStillServing() throws InterruptedException {
        client.send(new Packet(99, new PingFrame()));
        assertInstanceOf(PongFrame.class, client.next().frame());
    }

    @Test
    void bodyBiggerThanTheFrameLimitStreamsInAndBackOutInChunks() throws Exception {
        byte[] body = new byte[1_000_000];
        new Random(3).nextBytes(body);
        client.send(new Packet(0, new LargeSendFrame(1, 1, 7, body.length, header("ID:ok"))));
        send(7, body, 60_000);
        client.send(new Packet(10, new BodyEndFrame(7, body.length, false)));
        Packet answer = client.next();
        assertEquals(10, answer.correlationId());
        assertInstanceOf(OkFrame.class, answer.frame());
        assertEquals(1, files());

        client.send(new Packet(11, new CreateConsumerFrame(1, 1, WireDestination.queue("wire"), null, false,
                SubscriptionKind.NONE, null, 5)));
        assertInstanceOf(OkFrame.class, client.next().frame());
        LargeDeliverFrame d = assertInstanceOf(LargeDeliverFrame.class, client.next().frame());
        assertEquals(body.length, d.bodyLength());
        assertEquals(5, d.credits());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (true) {
            Packet p = client.next();
            if (p.frame() instanceof BodyChunkFrame c) {
                assertEquals(d.deliveryId(), c.streamId());
                got.writeBytes(c.data());
            } else {
                BodyEndFrame end = assertInstanceOf(BodyEndFrame.class, p.frame());
                assertFalse(end.aborted());
                assertEquals(body.length, end.totalLength());
                break;
            }
        }
        assertArrayEquals(body, got.toByteArray());
    }

    @Test
    void streamShorterThanAnnouncedIsRefusedAndDiscarded() throws Exception {
        client.send(new Packet(0, new LargeSendFrame(1, 1, 8, 500_000, header("ID:short"))));
        send(8, new byte[200_000], 50_000);
        client.send(new Packet(12, new BodyEndFrame(8, 200_000, false)));
        Packet answer = client.next();
        assertEquals(12, answer.correlationId());
        ErrorFrame e = assertInstanceOf(ErrorFrame.class, answer.frame());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertTrue(e.message().contains("announced 500000 bytes but sent 200000"), e.message());
        awaitNoFiles();
        assertStillServing();
    }

    @Test
    void endOfAStreamThatWasNeverOpenedIsAnError() throws Exception {
        client.send(new Packet(13, new BodyEndFrame(42, 0, false)));
        ErrorFrame e = assertInstanceOf(ErrorFrame.class, client.next().frame());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertStillServing();
    }

    @Test
    void abortedStreamIsDiscardedWithoutAnswer() throws Exception {
        client.send(new Packet(0, new LargeSendFrame(1, 1, 9, -1, header("ID:aborted"))));
        send(9, new byte[300_000], 50_000);
        client.send(new Packet(0, new BodyEndFrame(9, 300_000, true)));
        awaitNoFiles();
        assertStillServing();
    }

    @Test
    void chunkOverTheFrameLimitIsRefusedAsTooLargeAndTheStreamFails() throws Exception {
        client.send(new Packet(0, new LargeSendFrame(1, 1, 5, -1, header("ID:fat"))));
        client.send(new Packet(0, new BodyChunkFrame(5, new byte[100_000])));
        ErrorFrame tooLarge = assertInstanceOf(ErrorFrame.class, client.next().frame());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, tooLarge.code());
        client.send(new Packet(14, new BodyEndFrame(5, 100_000, false)));
        ErrorFrame e = assertInstanceOf(ErrorFrame.class, client.next().frame());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        awaitNoFiles();
    }

    @Test
    void connectionDroppedMidStreamLeavesNoFileAndNoMessage() throws Exception {
        client.send(new Packet(0, new LargeSendFrame(1, 1, 6, 2_000_000, header("ID:cut"))));
        send(6, new byte[1_000_000], 60_000);
        assertStillServing();
        assertEquals(1, files());
        client.close();
        client = null;
        awaitNoFiles();
        assertEquals(0, broker.queueStats("wire") == null ? 0 : broker.queueStats("wire").waiting());
    }

    private void awaitNoFiles() throws Exception {
        long deadline = System.currentTimeMillis() + 5_000;
        while (files() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, files());
    }
}
