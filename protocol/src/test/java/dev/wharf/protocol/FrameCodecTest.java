package dev.wharf.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.frame.AckFrame;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.CreditFrame;
import dev.wharf.protocol.frame.PingFrame;
import dev.wharf.protocol.frame.SendFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static EmbeddedChannel channel(int maxFrameSize) {
        return new EmbeddedChannel(new FrameDecoder(maxFrameSize), new FrameEncoder());
    }

    private static byte[] encode(Packet p) {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameEncoder.encode(p, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void sampleCoversEveryFrameType() {
        assertEquals(FrameType.values().length, SampleFrames.all().size());
    }

    @Test
    void everyFrameTypeRoundTripsThroughTheCodec() {
        EmbeddedChannel ch = channel(ProtocolVersion.DEFAULT_MAX_FRAME_SIZE);
        long correlation = 1;
        for (Map.Entry<FrameType, Frame> e : SampleFrames.all().entrySet()) {
            Packet sent = new Packet(correlation++, e.getValue());
            assertTrue(ch.writeOutbound(sent));
            ByteBuf wire = ch.readOutbound();
            byte[] bytes = ByteBufUtil.getBytes(wire);
            assertTrue(ch.writeInbound(wire));
            Object in = ch.readInbound();
            Packet received = assertInstanceOf(Packet.class, in, () -> "decoding " + e.getKey());
            assertEquals(sent.correlationId(), received.correlationId());
            assertEquals(e.getKey(), received.frame().type());
            // Records holding arrays or messages compare by content through their encoding.
            assertArrayEquals(bytes, encode(received), () -> "re-encoding " + e.getKey() + " differs");
        }
        assertFalse(ch.finish());
    }

    @Test
    void messageFieldsSurviveTheWire() {
        WireMessage m = SampleFrames.message();
        ByteBuf buf = Unpooled.buffer();
        m.encode(buf);
        WireMessage back = WireMessage.decode(buf);
        buf.release();
        assertEquals(m.messageId(), back.messageId());
        assertEquals(m.destination(), back.destination());
        assertEquals(m.replyTo(), back.replyTo());
        assertNull(back.correlationId());
        assertArrayEquals(m.correlationIdBytes(), back.correlationIdBytes());
        assertEquals(9, back.priority());
        assertTrue(back.isPersistent());
        assertEquals(m.timestamp(), back.timestamp());
        assertEquals(5, back.deliveryTime());
        assertEquals(m.properties().keySet(), back.properties().keySet());
        assertEquals("héllo ✓", back.properties().get("s"));
        assertEquals(Long.MAX_VALUE, back.properties().get("l"));
        assertEquals((short) 300, back.properties().get("h"));
        assertTrue(Double.isNaN((Double) back.properties().get("d")));
        assertTrue(back.properties().containsKey("n"));
        assertEquals(BodyType.TEXT, back.bodyType());
        assertArrayEquals(m.body(), back.body());
    }

    @Test
    void connectWithoutTheTrailingTtlFieldDecodesAsNoTtl() {
        ByteBuf fields = Unpooled.buffer();
        fields.writeInt(ConnectFrame.MAGIC).writeInt(1);
        WireSupport.writeString(fields, "u");
        WireSupport.writeString(fields, null);
        WireSupport.writeString(fields, null);
        ConnectFrame f = ConnectFrame.decode(fields);
        assertEquals(new ConnectFrame(ConnectFrame.MAGIC, 1, "u", null, null, 0), f);
    }

    @Test
    void ackWithoutTheTrailingForceFieldDecodesAsForced() {
        ByteBuf fields = Unpooled.buffer();
        fields.writeLong(3);
        WireSupport.writeLongs(fields, new long[] {5, 6});
        assertEquals(new AckFrame(3, new long[] {5, 6}, true), AckFrame.decode(fields));
    }

    @Test
    void framesSplitIntoSingleBytesAreReassembled() {
        EmbeddedChannel ch = channel(1024);
        byte[] bytes = encode(new Packet(5, new CreditFrame(1, 2)));
        for (byte b : bytes) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        Packet p = ch.readInbound();
        assertEquals(new CreditFrame(1, 2), p.frame());
        assertEquals(5, p.correlationId());
    }

    @Test
    void unknownFrameTypeIsANonFatalProtocolErrorAndTheNextFrameStillDecodes() {
        EmbeddedChannel ch = channel(1024);
        ByteBuf bad = Unpooled.buffer().writeInt(9).writeByte(200).writeLong(77);
        ch.writeInbound(bad, Unpooled.wrappedBuffer(encode(new Packet(78, new PingFrame()))));
        MalformedFrame m = ch.readInbound();
        assertEquals(77, m.correlationId());
        assertEquals(ErrorCode.PROTOCOL_ERROR, m.code());
        assertTrue(m.reason().contains("unknown frame type: 200"), m.reason());
        assertFalse(m.fatal());
        Packet next = ch.readInbound();
        assertEquals(78, next.correlationId());
    }

    @Test
    void truncatedFieldsAreANonFatalProtocolError() {
        EmbeddedChannel ch = channel(1024);
        // A CREDIT frame needs 12 bytes of fields; give it 3.
        ByteBuf bad = Unpooled.buffer().writeInt(9 + 3).writeByte(FrameType.CREDIT.code()).writeLong(3).writeMedium(1);
        ch.writeInbound(bad);
        MalformedFrame m = ch.readInbound();
        assertEquals(3, m.correlationId());
        assertTrue(m.reason().contains("truncated"), m.reason());
        assertFalse(m.fatal());
    }

    @Test
    void trailingBytesAfterTheFieldsAreRejected() {
        EmbeddedChannel ch = channel(1024);
        ByteBuf bad = Unpooled.buffer().writeInt(9 + 1).writeByte(FrameType.PING.code()).writeLong(4).writeByte(0);
        ch.writeInbound(bad);
        MalformedFrame m = ch.readInbound();
        assertTrue(m.reason().contains("1 unexpected bytes"), m.reason());
    }

    @Test
    void lyingStringLengthIsRejectedWithoutAllocating() {
        EmbeddedChannel ch = channel(1024);
        ByteBuf bad = Unpooled.buffer().writeInt(9 + 4).writeByte(FrameType.SET_CLIENT_ID.code()).writeLong(6).writeInt(Integer.MAX_VALUE);
        ch.writeInbound(bad);
        MalformedFrame m = ch.readInbound();
        assertTrue(m.reason().contains("invalid string length: 2147483647"), m.reason());
    }

    @Test
    void oversizedFrameIsDiscardedWithMessageTooLargeAndTheConnectionGoesOn() {
        EmbeddedChannel ch = channel(64);
        byte[] big = encode(new Packet(11, new SendFrame(1, 1, SampleFrames.message())));
        assertTrue(big.length > 64);
        ch.writeInbound(Unpooled.wrappedBuffer(big, 0, 20));
        MalformedFrame m = ch.readInbound();
        assertEquals(11, m.correlationId());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, m.code());
        assertFalse(m.fatal());
        ch.writeInbound(Unpooled.wrappedBuffer(big, 20, big.length - 20), Unpooled.wrappedBuffer(encode(new Packet(12, new PingFrame()))));
        Packet next = ch.readInbound();
        assertEquals(12, next.correlationId());
    }

    @Test
    void impossibleLengthIsFatalAndLaterBytesAreDropped() {
        EmbeddedChannel ch = channel(1024);
        ch.writeInbound(Unpooled.buffer().writeInt(-5), Unpooled.wrappedBuffer(encode(new Packet(1, new PingFrame()))));
        MalformedFrame m = ch.readInbound();
        assertTrue(m.fatal());
        assertTrue(m.reason().contains("invalid frame length: -5"), m.reason());
        assertNull(ch.readInbound());
    }

    @Test
    void httpRequestOnTheBrokerPortIsFatal() {
        EmbeddedChannel ch = channel(1024);
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", java.nio.charset.StandardCharsets.US_ASCII));
        MalformedFrame m = ch.readInbound();
        // "GET " read as a length is 0x47455420, far beyond the maximum: discarded as too large.
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, m.code());
    }

    @Test
    void unknownCodesAreRejectedByName() {
        assertEquals("unknown frame type: 99",
                org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class, () -> FrameType.fromCode(99)).getMessage());
        assertEquals("unknown error code: 0",
                org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class, () -> ErrorCode.fromCode(0)).getMessage());
    }
}
