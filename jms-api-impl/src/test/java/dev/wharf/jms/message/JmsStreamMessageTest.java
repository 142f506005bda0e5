package dev.wharf.jms.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import org.junit.jupiter.api.Test;

class JmsStreamMessageTest {

    @Test
    void everyTypeWrittenIsReadBackInOrder() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeBoolean(true);
        m.writeByte((byte) 1);
        m.writeShort((short) 2);
        m.writeChar('c');
        m.writeInt(3);
        m.writeLong(4L);
        m.writeFloat(5.5f);
        m.writeDouble(6.5);
        m.writeString("seven");
        m.writeBytes(new byte[] {8});
        m.writeBytes(new byte[] {0, 9, 10, 0}, 1, 2);
        m.writeObject(null);
        m.reset();
        assertTrue(m.readBoolean());
        assertEquals(1, m.readByte());
        assertEquals(2, m.readShort());
        assertEquals('c', m.readChar());
        assertEquals(3, m.readInt());
        assertEquals(4L, m.readLong());
        assertEquals(5.5f, m.readFloat());
        assertEquals(6.5, m.readDouble());
        assertEquals("seven", m.readString());
        assertArrayEquals(new byte[] {8}, (byte[]) m.readObject());
        assertArrayEquals(new byte[] {9, 10}, (byte[]) m.readObject());
        assertNull(m.readObject());
        assertThrows(MessageEOFException.class, m::readObject);
    }

    @Test
    void readAtTheEndThrowsMessageEOFExceptionForEveryReadMethod() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.reset();
        assertThrows(MessageEOFException.class, m::readBoolean);
        assertThrows(MessageEOFException.class, m::readInt);
        assertThrows(MessageEOFException.class, m::readString);
        assertThrows(MessageEOFException.class, () -> m.readBytes(new byte[1]));
    }

    @Test
    void byteArrayFieldIsReadInChunksThenMinusOne() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeBytes(new byte[] {1, 2, 3, 4, 5});
        m.writeInt(6);
        m.reset();
        byte[] buffer = new byte[2];
        assertEquals(2, m.readBytes(buffer));
        assertArrayEquals(new byte[] {1, 2}, buffer);
        assertEquals(2, m.readBytes(buffer));
        assertArrayEquals(new byte[] {3, 4}, buffer);
        assertEquals(1, m.readBytes(buffer));
        assertEquals(5, buffer[0]);
        // Fewer bytes than the buffer: the field is done, the next read is the next field.
        assertEquals(6, m.readInt());
    }

    @Test
    void byteArrayFieldThatFillsTheBufferExactlyIsFollowedByMinusOne() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeBytes(new byte[] {1, 2});
        m.writeBytes(new byte[] {3});
        m.reset();
        byte[] buffer = new byte[2];
        assertEquals(2, m.readBytes(buffer));
        assertEquals(-1, m.readBytes(buffer));
        assertEquals(1, m.readBytes(buffer));
        assertEquals(3, buffer[0]);
        assertThrows(MessageEOFException.class, () -> m.readBytes(buffer));
    }

    @Test
    void fullyReadByteArrayFieldLetsTheNextReadMoveOn() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeBytes(new byte[] {1, 2});
        m.writeString("next");
        m.reset();
        assertEquals(2, m.readBytes(new byte[2]));
        assertEquals("next", m.readString());
    }

    @Test
    void emptyByteArrayFieldReadsZeroAndNullFieldReadsMinusOne() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeBytes(new byte[0]);
        m.writeBytes(null);
        m.writeInt(1);
        m.reset();
        assertEquals(0, m.readBytes(new byte[4]));
        assertEquals(-1, m.readBytes(new byte[4]));
        assertEquals(1, m.readInt());
    }

    @Test
    void readingAnotherFieldWhileAByteArrayIsPartlyReadThrowsMessageFormatException() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeBytes(new byte[] {1, 2, 3});
        m.writeInt(4);
        m.reset();
        assertEquals(1, m.readBytes(new byte[1]));
        assertThrows(MessageFormatException.class, m::readInt);
        assertThrows(MessageFormatException.class, m::readObject);
        assertEquals(2, m.readBytes(new byte[2]));
        assertEquals(-1, m.readBytes(new byte[2]));
        assertEquals(4, m.readInt());
    }

    @Test
    void readBytesOfANonByteArrayFieldThrowsMessageFormatExceptionAndKeepsThePosition() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeString("text");
        m.reset();
        assertThrows(MessageFormatException.class, () -> m.readBytes(new byte[4]));
        assertEquals("text", m.readString());
    }

    @Test
    void resetInTheMiddleOfAByteArrayStartsOver() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeBytes(new byte[] {1, 2, 3});
        m.reset();
        assertEquals(1, m.readBytes(new byte[1]));
        m.reset();
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) m.readObject());
    }

    @Test
    void readingInWriteModeThrowsMessageNotReadableException() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeInt(1);
        assertThrows(MessageNotReadableException.class, m::readInt);
        assertThrows(MessageNotReadableException.class, m::readObject);
        assertThrows(MessageNotReadableException.class, () -> m.readBytes(new byte[1]));
    }

    @Test
    void writingInReadModeThrowsMessageNotWriteableException() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.reset();
        assertThrows(MessageNotWriteableException.class, () -> m.writeInt(1));
        assertThrows(MessageNotWriteableException.class, () -> m.writeObject("x"));
        assertThrows(MessageNotWriteableException.class, () -> m.writeBytes(new byte[1]));
    }

    @Test
    void writeObjectOfUnsupportedTypeThrowsMessageFormatException() {
        assertThrows(MessageFormatException.class, () -> new JmsStreamMessage().writeObject(new Object()));
        assertThrows(MessageFormatException.class, () -> new JmsStreamMessage().writeObject(new int[1]));
    }

    @Test
    void writtenByteArraysAreCopied() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        byte[] a = {1};
        byte[] b = {2};
        m.writeBytes(a);
        m.writeObject(b);
        a[0] = 9;
        b[0] = 9;
        m.reset();
        byte[] read = (byte[]) m.readObject();
        assertArrayEquals(new byte[] {1}, read);
        read[0] = 7;
        assertArrayEquals(new byte[] {2}, (byte[]) m.readObject());
        m.reset();
        assertArrayEquals(new byte[] {1}, (byte[]) m.readObject());
    }

    @Test
    void clearBodyEmptiesAndReturnsToWriteMode() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeInt(1);
        m.reset();
        m.clearBody();
        m.writeInt(2);
        m.reset();
        assertEquals(2, m.readInt());
        assertThrows(MessageEOFException.class, m::readInt);
    }

    @Test
    void receivedMessageIsInReadModeAndReadOnly() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeInt(1);
        m.writeBytes(new byte[] {2, 3});
        JmsStreamMessage received = (JmsStreamMessage) JmsMessage.fromWire(m.toWire(), 1);
        assertEquals(1, received.readInt());
        assertArrayEquals(new byte[] {2, 3}, (byte[]) received.readObject());
        assertThrows(MessageNotWriteableException.class, () -> received.writeInt(1));
    }
}
