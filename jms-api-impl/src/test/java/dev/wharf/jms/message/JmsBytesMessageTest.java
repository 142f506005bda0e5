package dev.wharf.jms.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class JmsBytesMessageTest {

    private static JmsBytesMessage writeEveryType() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeBoolean(true);
        m.writeByte((byte) -2);
        m.writeShort((short) -300);
        m.writeChar('\u00e9');
        m.writeInt(123456789);
        m.writeLong(-9876543210L);
        m.writeFloat(1.25f);
        m.writeDouble(-2.5e300);
        m.writeUTF("h\u00e9llo \u0000 \ud83d\ude00");
        m.writeBytes(new byte[] {9, 8, 7});
        m.writeBytes(new byte[] {0, 1, 2, 3, 4}, 1, 3);
        return m;
    }

    private static void readEveryType(JmsBytesMessage m) throws Exception {
        assertTrue(m.readBoolean());
        assertEquals(-2, m.readByte());
        assertEquals(-300, m.readShort());
        assertEquals('\u00e9', m.readChar());
        assertEquals(123456789, m.readInt());
        assertEquals(-9876543210L, m.readLong());
        assertEquals(1.25f, m.readFloat());
        assertEquals(-2.5e300, m.readDouble());
        assertEquals("h\u00e9llo \u0000 \ud83d\ude00", m.readUTF());
        byte[] three = new byte[3];
        assertEquals(3, m.readBytes(three));
        assertArrayEquals(new byte[] {9, 8, 7}, three);
        assertEquals(3, m.readBytes(three));
        assertArrayEquals(new byte[] {1, 2, 3}, three);
        assertEquals(-1, m.readBytes(three));
    }

    @Test
    void everyTypeWrittenIsReadBackAfterReset() throws Exception {
        JmsBytesMessage m = writeEveryType();
        m.reset();
        readEveryType(m);
    }

    @Test
    void bytesAreTheDataOutputEncoding() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeInt(258);
        m.writeUTF("ab");
        m.writeChar('x');
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        out.writeInt(258);
        out.writeUTF("ab");
        out.writeChar('x');
        assertArrayEquals(expected.toByteArray(), m.toWire().body());
    }

    @Test
    void writeObjectWritesEachSupportedTypeAsItsTypedWrite() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        for (Object v : new Object[] {true, (byte) -2, (short) -300, '\u00e9', 123456789, -9876543210L, 1.25f,
                -2.5e300, "h\u00e9llo \u0000 \ud83d\ude00", new byte[] {9, 8, 7}}) {
            m.writeObject(v);
        }
        m.writeBytes(new byte[] {1, 2, 3});
        m.reset();
        readEveryType(m);
    }

    @Test
    void writeObjectOfNullThrowsNullPointerException() {
        assertThrows(NullPointerException.class, () -> new JmsBytesMessage().writeObject(null));
    }

    @Test
    void writeObjectOfUnsupportedTypeThrowsMessageFormatException() {
        assertThrows(MessageFormatException.class, () -> new JmsBytesMessage().writeObject(new Object()));
        assertThrows(MessageFormatException.class, () -> new JmsBytesMessage().writeObject(new StringBuilder("x")));
    }

    @Test
    void unsignedReadsWidenWithoutSign() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeByte((byte) -1);
        m.writeShort((short) -1);
        m.reset();
        assertEquals(255, m.readUnsignedByte());
        assertEquals(65535, m.readUnsignedShort());
    }

    @Test
    void readingInWriteModeThrowsMessageNotReadableException() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeInt(1);
        assertThrows(MessageNotReadableException.class, m::readInt);
        assertThrows(MessageNotReadableException.class, m::readBoolean);
        assertThrows(MessageNotReadableException.class, m::readUTF);
        assertThrows(MessageNotReadableException.class, () -> m.readBytes(new byte[1]));
        assertThrows(MessageNotReadableException.class, m::getBodyLength);
    }

    @Test
    void writingInReadModeThrowsMessageNotWriteableException() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.reset();
        assertThrows(MessageNotWriteableException.class, () -> m.writeInt(1));
        assertThrows(MessageNotWriteableException.class, () -> m.writeUTF("x"));
        assertThrows(MessageNotWriteableException.class, () -> m.writeBytes(new byte[1]));
        assertThrows(MessageNotWriteableException.class, () -> m.writeObject(1));
    }

    @Test
    void readPastTheEndThrowsMessageEOFExceptionAndKeepsThePosition() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeShort((short) 7);
        m.reset();
        assertThrows(MessageEOFException.class, m::readInt);
        assertThrows(MessageEOFException.class, m::readLong);
        assertEquals(7, m.readShort());
        assertThrows(MessageEOFException.class, m::readByte);
        assertThrows(MessageEOFException.class, m::readBoolean);
        assertThrows(MessageEOFException.class, m::readUTF);
        assertEquals(-1, m.readBytes(new byte[4]));
    }

    @Test
    void readUTFWithTruncatedStringThrowsMessageEOFException() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeShort((short) 10);
        m.writeByte((byte) 'a');
        m.reset();
        assertThrows(MessageEOFException.class, m::readUTF);
        assertEquals(10, m.readShort());
    }

    @Test
    void readBytesFillsTheBufferThenReturnsTheRestThenMinusOne() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeBytes(new byte[] {1, 2, 3, 4, 5});
        m.reset();
        byte[] buffer = new byte[2];
        assertEquals(2, m.readBytes(buffer));
        assertEquals(2, m.readBytes(buffer));
        assertEquals(1, m.readBytes(buffer));
        assertEquals(5, buffer[0]);
        assertEquals(-1, m.readBytes(buffer));
    }

    @Test
    void readBytesWithLengthReadsAtMostLength() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeBytes(new byte[] {1, 2, 3});
        m.reset();
        byte[] buffer = new byte[3];
        assertEquals(2, m.readBytes(buffer, 2));
        assertArrayEquals(new byte[] {1, 2, 0}, buffer);
        assertThrows(IndexOutOfBoundsException.class, () -> m.readBytes(buffer, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> m.readBytes(buffer, -1));
    }

    @Test
    void writeBytesWithBadOffsetThrowsIndexOutOfBounds() {
        JmsBytesMessage m = new JmsBytesMessage();
        assertThrows(IndexOutOfBoundsException.class, () -> m.writeBytes(new byte[2], 1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> m.writeBytes(new byte[2], -1, 1));
    }

    @Test
    void getBodyLengthCountsEveryByteWhateverThePosition() throws Exception {
        JmsBytesMessage m = writeEveryType();
        m.reset();
        long length = m.getBodyLength();
        assertEquals(m.toWire().body().length, length);
        m.readInt();
        assertEquals(length, m.getBodyLength());
    }

    @Test
    void resetInReadModeRewinds() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeInt(42);
        m.reset();
        assertEquals(42, m.readInt());
        m.reset();
        assertEquals(42, m.readInt());
    }

    @Test
    void clearBodyEmptiesAndReturnsToWriteMode() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeInt(42);
        m.reset();
        m.clearBody();
        m.writeByte((byte) 1);
        m.reset();
        assertEquals(1, m.getBodyLength());
        assertEquals(1, m.readByte());
    }

    @Test
    void receivedMessageIsInReadModeAndReadOnly() throws Exception {
        JmsBytesMessage m = writeEveryType();
        JmsBytesMessage received = (JmsBytesMessage) JmsMessage.fromWire(m.toWire(), 1);
        readEveryType(received);
        assertThrows(MessageNotWriteableException.class, () -> received.writeInt(1));
        received.clearBody();
        received.writeInt(5);
        received.reset();
        assertEquals(5, received.readInt());
    }

    @Test
    void writeUTFOfMoreThan65535BytesThrowsMessageFormatExceptionAndWritesNothing() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeByte((byte) 1);
        assertThrows(MessageFormatException.class, () -> m.writeUTF("x".repeat(70_000)));
        m.reset();
        assertEquals(1, m.getBodyLength());
    }

    @Test
    void toWireDoesNotChangeTheMessageOrFollowLaterWrites() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeInt(1);
        byte[] sent = m.toWire().body();
        m.writeInt(2);
        assertEquals(4, sent.length);
        assertFalse(m.isReadOnlyBody());
    }
}
