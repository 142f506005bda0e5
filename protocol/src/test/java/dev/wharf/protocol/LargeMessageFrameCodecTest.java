package dev.wharf.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.frame.BodyChunkFrame;
import dev.wharf.protocol.frame.BodyEndFrame;
import dev.wharf.protocol.frame.LargeDeliverFrame;
import dev.wharf.protocol.frame.LargeSendFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The large-message frames: begin, chunks and end, through the real decoder and encoder. */
@Timeout(10)
class LargeMessageFrameCodecTest {

    private static EmbeddedChannel channel(int maxFrameSize) {
        return new EmbeddedChannel(new FrameDecoder(maxFrameSize), new FrameEncoder());
    }

    private static Packet roundTrip(EmbeddedChannel ch, Packet p) {
        assertTrue(ch.writeOutbound(p));
        ByteBuf wire = ch.readOutbound();
        assertTrue(ch.writeInbound(wire));
        return assertInstanceOf(Packet.class, ch.readInbound());
    }

    @Test
    void largeSendBeginKeepsHeadersAndDeclaredLengthWithoutBody() {
        EmbeddedChannel ch = channel(1024);
        WireMessage m = SampleFrames.message().withBody(null);
        LargeSendFrame back = (LargeSendFrame) roundTrip(ch, new Packet(0, new LargeSendFrame(1, 2, 3, 5L << 30, m))).frame();
        assertEquals(1, back.sessionId());
        assertEquals(2, back.producerId());
        assertEquals(3, back.streamId());
        assertEquals(5L << 30, back.bodyLength());
        assertEquals("ID:abc", back.message().messageId());
        assertEquals(m.properties(), back.message().properties());
        assertNull(back.message().body());
    }

    @Test
    void largeSendWithUnknownLengthDecodes() {
        EmbeddedChannel ch = channel(1024);
        LargeSendFrame back = (LargeSendFrame) roundTrip(ch, new Packet(0,
                new LargeSendFrame(1, 2, 3, -1, SampleFrames.minimalMessage()))).frame();
        assertEquals(-1, back.bodyLength());
    }

    @Test
    void largeDeliverBeginRoundTrips() {
        EmbeddedChannel ch = channel(1024);
        LargeDeliverFrame back = (LargeDeliverFrame) roundTrip(ch, new Packet(0,
                new LargeDeliverFrame(9, 77, 2, 500, 123_456_789L, SampleFrames.minimalMessage()))).frame();
        assertEquals(9, back.consumerId());
        assertEquals(77, back.deliveryId());
        assertEquals(2, back.deliveryCount());
        assertEquals(500, back.credits());
        assertEquals(123_456_789L, back.bodyLength());
    }

    @Test
    void chunksOfASplitBodyReassembleInOrder() {
        EmbeddedChannel ch = channel(BodyChunkFrame.MAX_CHUNK + 64);
        byte[] body = new byte[3 * 100_000 + 17];
        new Random(42).nextBytes(body);
        int chunk = 100_000;
        for (int off = 0; off < body.length; off += chunk) {
            byte[] piece = java.util.Arrays.copyOfRange(body, off, Math.min(body.length, off + chunk));
            assertTrue(ch.writeOutbound(new Packet(0, new BodyChunkFrame(5, piece))));
        }
        assertTrue(ch.writeOutbound(new Packet(44, new BodyEndFrame(5, body.length, false))));
        // Feed everything to the decoder in odd-sized slices, as TCP would.
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        while (all.isReadable()) {
            ch.writeInbound(all.readRetainedSlice(Math.min(all.readableBytes(), 7919)));
        }
        all.release();
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        BodyEndFrame end = null;
        for (Object o; (o = ch.readInbound()) != null; ) {
            Packet p = (Packet) o;
            if (p.frame() instanceof BodyChunkFrame c) {
                assertEquals(5, c.streamId());
                got.writeBytes(c.data());
            } else {
                end = (BodyEndFrame) p.frame();
                assertEquals(44, p.correlationId());
            }
        }
        assertArrayEquals(body, got.toByteArray());
        assertEquals(body.length, end.totalLength());
    }

    @Test
    void abortedEndRoundTrips() {
        EmbeddedChannel ch = channel(1024);
        BodyEndFrame back = (BodyEndFrame) roundTrip(ch, new Packet(0, new BodyEndFrame(5, 10, true))).frame();
        assertTrue(back.aborted());
        assertEquals(10, back.totalLength());
    }

    @Test
    void chunkOverTheFrameLimitIsRefusedAsTooLarge() {
        EmbeddedChannel ch = channel(1024);
        assertTrue(ch.writeOutbound(new Packet(3, new BodyChunkFrame(5, new byte[2000]))));
        ByteBuf wire = ch.readOutbound();
        ch.writeInbound(wire);
        MalformedFrame bad = assertInstanceOf(MalformedFrame.class, ch.readInbound());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, bad.code());
        assertEquals(3, bad.correlationId());
    }

    @Test
    void chunkClaimingMoreThanMaxChunkIsAProtocolError() {
        EmbeddedChannel ch = channel(BodyChunkFrame.MAX_CHUNK * 2);
        ByteBuf buf = Unpooled.buffer();
        int fields = 8 + 4 + BodyChunkFrame.MAX_CHUNK + 1;
        buf.writeInt(ProtocolVersion.HEADER_LENGTH - 4 + fields);
        buf.writeByte(FrameType.BODY_CHUNK.code());
        buf.writeLong(9);
        buf.writeLong(5);
        buf.writeInt(BodyChunkFrame.MAX_CHUNK + 1);
        buf.writeZero(BodyChunkFrame.MAX_CHUNK + 1);
        ch.writeInbound(buf);
        MalformedFrame bad = assertInstanceOf(MalformedFrame.class, ch.readInbound());
        assertEquals(ErrorCode.PROTOCOL_ERROR, bad.code());
    }

    @Test
    void negativeBodyLengthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LargeSendFrame(1, 2, 3, -2, SampleFrames.minimalMessage()));
        assertThrows(IllegalArgumentException.class, () -> new LargeDeliverFrame(1, 2, 1, 1, -1, SampleFrames.minimalMessage()));
        assertThrows(IllegalArgumentException.class, () -> new LargeDeliverFrame(1, 2, 1, 0, 5, SampleFrames.minimalMessage()));
    }
}
