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
 * <p>Large bodies: once the bytes written outgrow the spill threshold (the connection's
 * {@code largeMessageThreshold}), they move to a temporary file ({@link LargeBodyFile}) and later
 * writes go there, so a body larger than the heap can be written; reading such a body, or a large
 * body received from the broker, goes through a small window on the file ({@link FileBodyReader}).
 * The object property {@link #INPUT_STREAM} gives the body as an {@code InputStream} read while the
 * message is sent; {@link #SAVE_STREAM} and {@link #OUTPUT_STREAM} write the body of a received
 * message to an {@code OutputStream}.
 *
 * <p>Not thread-safe (see {@link JmsMessage}).
 */
public class JmsBytesMessage extends JmsMessage implements BytesMessage {

    private static final byte[] EMPTY = new byte[0];

    /**
     * Object property: an {@code InputStream} the body is read from while the message is sent
     * (streamed to the broker in chunks, never held whole); the message's other body is ignored.
     */
    public static final String INPUT_STREAM = "JMS_WHARF_InputStream";
    /**
     * Object property set on a received message: writes the whole body to the given
     * {@code OutputStream}, returning when it is written (the stream is not closed).
     */
    public static final String SAVE_STREAM = "JMS_WHARF_SaveStream";
    /** Object property: as {@link #SAVE_STREAM} (the body is already on the client when the message is handed over). */
    public static final String OUTPUT_STREAM = "JMS_WHARF_OutputStream";
    /** The spill threshold of a message not made by a session: the connection factory's default. */
    static final int DEFAULT_SPILL_THRESHOLD = 100 * 1024;

    private int spillThreshold = DEFAULT_SPILL_THRESHOLD;
    private java.util.Set<java.nio.file.Path> spillOwner;
    /** The body, when it is in a file: then {@link #body} and {@link #out} are unused. */
    private LargeBodyFile file;
    private java.io.OutputStream fileOut;
    private FileBodyReader reader;
    private java.io.InputStream inputStream;
    /** Why the body cannot be read (a large message seen through a QueueBrowser), or null. */
    private String unavailable;

    // Write mode: the bytes are `body` followed by what `out` holds (out is created on the first write).
    // Read mode: the bytes are `body` (never modified once set, so it may be shared), `in` is the position.
    private byte[] body = EMPTY;
    private ByteArrayOutputStream out;
    /** Bytes {@link #out} held before {@link #dataOut} wrote to it. */
    private int outBase;
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
        return reader != null ? reader.length() : body.length;
    }

    /**
     * Sets the size past which the body being written moves to a temporary file, and the set that
     * lists such a file while it exists (its owner, the session, deletes what is left when it closes).
     */
    public void spillTo(int thresholdBytes, java.util.Set<java.nio.file.Path> owner) {
        this.spillThreshold = thresholdBytes;
        this.spillOwner = owner;
    }

    /** True if the body is in a file or comes from an InputStream: the message is sent as a large message. */
    @Override
    public boolean hasExternalBody() {
        return file != null || inputStream != null;
    }

    /** The body's InputStream ({@link #INPUT_STREAM}), or null. */
    public java.io.InputStream bodyInputStream() {
        return inputStream;
    }

    /**
     * The file holding the body, flushed so that it can be read, or null if the body is in memory.
     * Does not change the message's mode.
     */
    public LargeBodyFile bodyFile() throws JMSException {
        if (file != null && fileOut != null) {
            try {
                fileOut.flush();
            } catch (IOException e) {
                throw ioFailure("cannot write the large BytesMessage body to " + file.path(), e);
            }
        }
        return file;
    }

    /** Makes every read of the body fail with {@code reason} (a browsed large message, whose body stayed at the broker). */
    public void bodyUnavailable(String reason) {
        this.unavailable = reason;
    }

    /** Makes this received message read its body from {@code received} (a large message). */
    public void receivedBody(LargeBodyFile received) {
        body = EMPTY;
        out = null;
        dataOut = null;
        in = null;
        file = received;
        reader = new FileBodyReader(received);
    }

    private static JMSException ioFailure(String what, IOException e) {
        JMSException jmse = new JMSException(what + ": " + e.getMessage());
        jmse.setLinkedException(e);
        jmse.initCause(e);
        return jmse;
    }

    /** The stream properties: an InputStream to send from, an OutputStream to save a body to. */
    @Override
    boolean setSpecialProperty(String name, Object value) throws JMSException {
        switch (name) {
            case INPUT_STREAM -> {
                if (value != null && !(value instanceof java.io.InputStream)) {
                    throw new MessageFormatException(INPUT_STREAM + " must be a java.io.InputStream, not "
                            + value.getClass().getName());
                }
                checkWritableBody();
                inputStream = (java.io.InputStream) value;
                return true;
            }
            case SAVE_STREAM, OUTPUT_STREAM -> {
                if (!(value instanceof java.io.OutputStream os)) {
                    throw new MessageFormatException(name + " must be a java.io.OutputStream, not "
                            + (value == null ? "null" : value.getClass().getName()));
                }
                saveTo(os);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** Writes every byte of the body to {@code os}, whatever the read position (which is unchanged). */
    private void saveTo(java.io.OutputStream os) throws JMSException {
        try {
            if (file != null) {
                bodyFile();
                java.nio.file.Files.copy(file.path(), os);
            } else {
                os.write(content());
            }
            os.flush();
        } catch (IOException e) {
            throw ioFailure("cannot write the BytesMessage body to the OutputStream", e);
        }
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
        int length = b.getShort(b.position()) & 0xffff;
        b = input(2 + length, "UTF string of " + length + " bytes");
        int start = b.position();
        try {
            String s = new DataInputStream(new ByteArrayInputStream(b.array(), b.arrayOffset() + start, 2 + length)).readUTF();
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
        if (reader != null) {
            try {
                return reader.read(value, length);
            } catch (IOException e) {
                throw ioFailure("cannot read the large BytesMessage body from " + file.path(), e);
            }
        }
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
        if (reader != null) {
            ByteBuffer window;
            try {
                window = reader.ensure(bytes);
            } catch (IOException e) {
                throw ioFailure("cannot read the large BytesMessage body from " + file.path(), e);
            }
            if (window == null) {
                throw new MessageEOFException("cannot read a " + what + " (" + bytes + " bytes) at byte "
                        + reader.position() + ": only " + reader.remaining() + " left in the BytesMessage");
            }
            return window;
        }
        if (in.remaining() < bytes) {
            throw new MessageEOFException("cannot read a " + what + " (" + bytes + " bytes) at byte "
                    + in.position() + ": only " + in.remaining() + " left in the BytesMessage");
        }
        return in;
    }

    private void checkReadable() throws JMSException {
        if (unavailable != null) {
            throw new MessageFormatException(unavailable);
        }
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
            DataOutputStream data = output();
            if (file == null && outBase + (long) data.size() + length > spillThreshold) {
                // Spill before a write that would take the body past the threshold, not after it.
                spill();
                data = dataOut;
            }
            data.write(value, offset, length);
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
        if (file != null) {
            if (dataOut == null) {
                reopenForAppend();
            }
            return dataOut;
        }
        if (out == null) {
            out = new ByteArrayOutputStream(Math.max(64, body.length * 2));
            out.writeBytes(body);
            outBase = body.length;
            body = EMPTY;
            dataOut = new DataOutputStream(out);
        } else if (outBase + dataOut.size() > spillThreshold) {
            // DataOutputStream.size() is a plain field read; ByteArrayOutputStream.size() would lock.
            spill();
        }
        return dataOut;
    }

    /** Moves the bytes written so far to a temporary file; later writes append to it. */
    private void spill() throws JMSException {
        LargeBodyFile f = LargeBodyFile.create(spillOwner);
        try {
            java.io.OutputStream os = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(f.path()), 64 * 1024);
            out.writeTo(os);
            file = f;
            fileOut = os;
            out = null;
            dataOut = new DataOutputStream(os);
        } catch (IOException e) {
            f.delete();
            throw ioFailure("cannot move the large BytesMessage body to " + f.path(), e);
        }
    }

    private void reopenForAppend() throws JMSException {
        try {
            fileOut = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file.path(),
                    java.nio.file.StandardOpenOption.APPEND), 64 * 1024);
            dataOut = new DataOutputStream(fileOut);
        } catch (IOException e) {
            throw ioFailure("cannot append to the large BytesMessage body in " + file.path(), e);
        }
    }

    private static JMSException unexpected(IOException e) {
        // A ByteArrayOutputStream does not throw; a spilled body's file may.
        JMSException jmse = new JMSException("cannot write to the BytesMessage: " + e);
        jmse.setLinkedException(e);
        jmse.initCause(e);
        return jmse;
    }

    // ---------------------------------------------------------------- body hooks

    private byte[] content() {
        if (file != null) {
            return readFile();
        }
        return out == null ? body : out.toByteArray();
    }

    /** The whole body of a file-backed message, in memory (getBody, a copy): only if it fits in an array. */
    private byte[] readFile() {
        try {
            bodyFile();
            long size = java.nio.file.Files.size(file.path());
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("the large BytesMessage body of " + size + " bytes does not fit in a"
                        + " byte[]; read it with readBytes in pieces or save it with " + SAVE_STREAM);
            }
            return java.nio.file.Files.readAllBytes(file.path());
        } catch (IOException | JMSException e) {
            throw new IllegalStateException("cannot read the large BytesMessage body from " + file.path() + ": " + e, e);
        }
    }

    @Override
    void setReadOnlyBody(boolean readOnly) {
        super.setReadOnlyBody(readOnly);
        if (file != null) {
            if (readOnly) {
                closeFileOut();
                if (reader == null) {
                    file.length(fileLength());
                    reader = new FileBodyReader(file);
                } else {
                    reader.rewind();
                }
            } else if (reader != null) {
                reader.close();
                reader = null;
            }
            return;
        }
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

    private void closeFileOut() {
        if (fileOut != null) {
            try {
                fileOut.close();
            } catch (IOException e) {
                throw new IllegalStateException("cannot finish the large BytesMessage body in " + file.path() + ": " + e, e);
            }
            fileOut = null;
            dataOut = null;
        }
    }

    private long fileLength() {
        try {
            return java.nio.file.Files.size(file.path());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the size of " + file.path() + ": " + e, e);
        }
    }

    @Override
    void clearBodyContent() {
        if (file != null) {
            if (reader != null) {
                reader.close();
                reader = null;
            }
            try {
                closeFileOut();
            } catch (IllegalStateException e) {
                // the file goes anyway
            }
            file.delete();
            file = null;
        }
        inputStream = null;
        body = EMPTY;
        out = null;
        dataOut = null;
        in = isReadOnlyBody() ? ByteBuffer.wrap(body) : null;
    }

    /** All the bytes whatever the mode or position (a copy); null if there are none. */
    @Override
    Object bodyObject() throws JMSException {
        if (unavailable != null) {
            throw new MessageFormatException(unavailable);
        }
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
