package dev.wharf.jms.message;

import dev.wharf.protocol.BodyType;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link BytesMessage}: a stream of bytes written and read with the encodings of
 * {@link java.io.DataOutput} (big-endian, modified UTF-8 for writeUTF). The wire body is the bytes
 * as written.
 *
 * <p>Two modes: a new message (or one after clearBody()) is write-only; {@link #reset()} and
 * receiving switch to read-only mode at the start of the bytes. Writing in read mode throws
 * MessageNotWriteableException, reading in write mode MessageNotReadableException. A read that
 * runs past the end throws MessageEOFException and leaves the position where it was.
 *
 * <p>Not thread-safe (see {@link JmsMessage}).
 */
public class JmsBytesMessage extends JmsMessage implements BytesMessage {

    private static final byte[] EMPTY = new byte[0];

    // Write mode: the bytes are `body` followed by what `out` holds (out is created on the first write).
    // Read mode: the bytes are `body` (never modified once set, so it may be shared), `in` is the position.
    private byte[] body = EMPTY;
    private ByteArrayOutputStream out;
    private DataOutputStream dataOut;
    private ByteBuffer in;

    /** A new, empty message in write mode. */
    public JmsBytesMessage() {
    }

    /**
     * The number of bytes in the body.
     *
     * @throws MessageNotReadableException in write mode
     */
    @Override
    public long getBodyLength() throws JMSException {
        checkReadable();
        return body.length;
    }

    /** Switches to read mode (read-only) at the start of the bytes; in read mode, rewinds. */
    @Override
    public void reset() {
        setReadOnlyBody(true);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public boolean readBoolean() throws JMSException {
        return input(1, "boolean").get() != 0;
    }

    @Override
    public byte readByte() throws JMSException {
        return input(1, "byte").get();
    }

    @Override
    public int readUnsignedByte() throws JMSException {
        return input(1, "unsigned byte").get() & 0xff;
    }

    @Override
    public short readShort() throws JMSException {
        return input(2, "short").getShort();
    }

    @Override
    public int readUnsignedShort() throws JMSException {
        return input(2, "unsigned short").getShort() & 0xffff;
    }

    @Override
    public char readChar() throws JMSException {
        return input(2, "char").getChar();
    }

    @Override
    public int readInt() throws JMSException {
        return input(4, "int").getInt();
    }

    @Override
    public long readLong() throws JMSException {
        return input(8, "long").getLong();
    }

    @Override
    public float readFloat() throws JMSException {
        return input(4, "float").getFloat();
    }

    @Override
    public double readDouble() throws JMSException {
        return input(8, "double").getDouble();
    }

    /**
     * Reads a string written by writeUTF (2-byte length, modified UTF-8).
     *
     * @throws MessageFormatException if the bytes are not modified UTF-8 (the position is unchanged)
     */
    @Override
    public String readUTF() throws JMSException {
        ByteBuffer b = input(2, "UTF length");
        int start = b.position();
        int length = b.getShort(start) & 0xffff;
        input(2 + length, "UTF string of " + length + " bytes");
        try {
            String s = new DataInputStream(new ByteArrayInputStream(body, start, 2 + length)).readUTF();
            b.position(start + 2 + length);
            return s;
        } catch (IOException e) {
            MessageFormatException mfe = new MessageFormatException("invalid modified UTF-8 at byte " + start + ": " + e);
            mfe.setLinkedException(e);
            mfe.initCause(e);
            throw mfe;
        }
    }

    /** {@code readBytes(value, value.length)}. */
    @Override
    public int readBytes(byte[] value) throws JMSException {
        return readBytes(value, value.length);
    }

    /**
     * Reads up to {@code length} bytes into the start of {@code value}.
     *
     * @return the number of bytes read, or -1 if no bytes are left
     * @throws IndexOutOfBoundsException if length &lt; 0 or length &gt; value.length
     */
    @Override
    public int readBytes(byte[] value, int length) throws JMSException {
        if (length < 0 || length > value.length) {
            throw new IndexOutOfBoundsException("length: " + length + " (expected: 0.." + value.length + ")");
        }
        checkReadable();
        if (!in.hasRemaining()) {
            return -1;
        }
        int n = Math.min(length, in.remaining());
        in.get(value, 0, n);
        return n;
    }

    /** Checks the mode and that {@code bytes} remain; the caller then reads them from the buffer returned. */
    private ByteBuffer input(int bytes, String what) throws JMSException {
        checkReadable();
        if (in.remaining() < bytes) {
            throw new MessageEOFException("cannot read a " + what + " (" + bytes + " bytes) at byte "
                    + in.position() + ": only " + in.remaining() + " left in the BytesMessage");
        }
        return in;
    }

    private void checkReadable() throws MessageNotReadableException {
        if (!isReadOnlyBody()) {
            throw new MessageNotReadableException("The BytesMessage is in write-only mode: call reset() to read it");
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        try {
            output().writeBoolean(value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        try {
            output().writeByte(value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    @Override
    public void writeShort(short value) throws JMSException {
        try {
            output().writeShort(value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    @Override
    public void writeChar(char value) throws JMSException {
        try {
            output().writeChar(value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    @Override
    public void writeInt(int value) throws JMSException {
        try {
            output().writeInt(value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    @Override
    public void writeLong(long value) throws JMSException {
        try {
            output().writeLong(value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        try {
            output().writeFloat(value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        try {
            output().writeDouble(value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    /**
     * Writes a 2-byte length and the string in modified UTF-8, as {@link DataOutputStream#writeUTF}.
     *
     * @throws MessageFormatException if the encoded string is longer than 65535 bytes
     */
    @Override
    public void writeUTF(String value) throws JMSException {
        DataOutputStream data = output();
        try {
            data.writeUTF(value);
        } catch (IOException e) {
            // Only UTFDataFormatException: DataOutputStream checks the length before writing anything.
            MessageFormatException mfe = new MessageFormatException("cannot write the string with writeUTF: " + e.getMessage()
                    + " (at most 65535 bytes of modified UTF-8; use writeBytes for longer text)");
            mfe.setLinkedException(e);
            mfe.initCause(e);
            throw mfe;
        }
    }

    @Override
    public void writeBytes(byte[] value) throws JMSException {
        writeBytes(value, 0, value.length);
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        if (offset < 0 || length < 0 || offset > value.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length
                    + " (expected: within an array of " + value.length + " bytes)");
        }
        try {
            output().write(value, offset, length);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    /**
     * Writes a boxed primitive, a String (as writeUTF) or a byte[] (as writeBytes).
     *
     * @throws NullPointerException if value is null
     * @throws MessageFormatException if value is of another type
     */
    @Override
    public void writeObject(Object value) throws JMSException {
        if (value == null) {
            throw new NullPointerException("BytesMessage.writeObject(null): a BytesMessage cannot hold null");
        }
        if (value instanceof Boolean v) {
            writeBoolean(v);
        } else if (value instanceof Byte v) {
            writeByte(v);
        } else if (value instanceof Short v) {
            writeShort(v);
        } else if (value instanceof Character v) {
            writeChar(v);
        } else if (value instanceof Integer v) {
            writeInt(v);
        } else if (value instanceof Long v) {
            writeLong(v);
        } else if (value instanceof Float v) {
            writeFloat(v);
        } else if (value instanceof Double v) {
            writeDouble(v);
        } else if (value instanceof String v) {
            writeUTF(v);
        } else if (value instanceof byte[] v) {
            writeBytes(v);
        } else {
            throw new MessageFormatException("BytesMessage.writeObject: unsupported type " + value.getClass().getName()
                    + " (expected: a boxed primitive, String or byte[])");
        }
    }

    /** Checks the mode and returns the stream to append to. */
    private DataOutputStream output() throws JMSException {
        checkWritableBody();
        if (out == null) {
            out = new ByteArrayOutputStream(Math.max(64, body.length * 2));
            out.writeBytes(body);
            body = EMPTY;
            dataOut = new DataOutputStream(out);
        }
        return dataOut;
    }

    private static JMSException unexpected(IOException e) {
        // A ByteArrayOutputStream does not throw; kept so a change of stream cannot hide an error.
        JMSException jmse = new JMSException("cannot write to the BytesMessage: " + e);
        jmse.setLinkedException(e);
        jmse.initCause(e);
        return jmse;
    }

    // ---------------------------------------------------------------- body hooks

    private byte[] content() {
        return out == null ? body : out.toByteArray();
    }

    @Override
    void setReadOnlyBody(boolean readOnly) {
        super.setReadOnlyBody(readOnly);
        if (readOnly) {
            if (out != null) {
                body = out.toByteArray();
                out = null;
                dataOut = null;
            }
            in = ByteBuffer.wrap(body);
        } else {
            in = null;
        }
    }

    @Override
    BodyType bodyType() {
        return BodyType.BYTES;
    }

    @Override
    byte[] encodeBody() {
        // `body` is never written into, so sharing it with the immutable wire message is safe.
        return content();
    }

    @Override
    void decodeBody(byte[] bytes) {
        clearBodyContent();
        body = bytes == null ? EMPTY : bytes;
    }

    @Override
    void clearBodyContent() {
        body = EMPTY;
        out = null;
        dataOut = null;
        in = isReadOnlyBody() ? ByteBuffer.wrap(body) : null;
    }

    /** All the bytes whatever the mode or position (a copy); null if there are none. */
    @Override
    Object bodyObject() {
        byte[] bytes = content();
        return bytes.length == 0 ? null : bytes.clone();
    }

    @Override
    void copyBodyFrom(Message foreign) throws JMSException {
        BytesMessage bytes = (BytesMessage) foreign;
        byte[] copy;
        try {
            // Does not move the foreign message's read position or change its mode.
            copy = bytes.getBody(byte[].class);
        } catch (JMSException | RuntimeException e) {
            copy = readAll(bytes);
        }
        decodeBody(copy == null ? EMPTY : copy.clone());
    }

    private static byte[] readAll(BytesMessage foreign) throws JMSException {
        foreign.reset();
        long length = foreign.getBodyLength();
        if (length > Integer.MAX_VALUE - 8) {
            throw new MessageFormatException("the BytesMessage has " + length + " bytes, more than a Wharf message can hold");
        }
        byte[] bytes = new byte[(int) length];
        int read = 0;
        while (read < bytes.length) {
            byte[] chunk = new byte[bytes.length - read];
            int n = foreign.readBytes(chunk);
            if (n < 0) {
                throw new MessageEOFException("the foreign BytesMessage ended after " + read + " of its " + length + " bytes");
            }
            System.arraycopy(chunk, 0, bytes, read, n);
            read += n;
        }
        foreign.reset();
        return bytes;
    }
}
