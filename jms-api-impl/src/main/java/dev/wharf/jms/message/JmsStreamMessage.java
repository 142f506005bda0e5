package dev.wharf.jms.message;

import dev.wharf.protocol.BodyType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.StreamMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link StreamMessage}: a sequence of typed fields, read back in order with the conversions of
 * {@link TypeConversionSupport}. The wire body is an int32 count then that many
 * {@link dev.wharf.protocol.TypedValues} values.
 *
 * <p>Two modes, as {@link JmsBytesMessage}: write-only until {@link #reset()} or receipt, then
 * read-only. A read whose conversion fails (MessageFormatException, NumberFormatException,
 * NullPointerException) does not move the position, so the field can be read again as another
 * type. A byte[] field may be read in chunks with {@link #readBytes(byte[])}; once started it must
 * be finished before another field is read (else MessageFormatException).
 *
 * <p>Not thread-safe (see {@link JmsMessage}).
 */
public class JmsStreamMessage extends JmsMessage implements StreamMessage {

    private List<Object> values = new ArrayList<>();
    // A received body not decoded yet; when set, `values` is stale.
    private byte[] encoded;
    // Read mode: the index of the next field.
    private int position;
    // The byte[] field readBytes is part-way through (null if none), and how many of its bytes are
    // left: 0 means all were read but the call that returns -1 has not happened yet.
    private byte[] bytesField;
    private int bytesRemaining;

    /** A new, empty message in write mode. */
    public JmsStreamMessage() {
    }

    private List<Object> values() throws MessageFormatException {
        if (encoded != null) {
            values = BodyCodecSupport.decodeList(encoded);
            encoded = null;
        }
        return values;
    }

    /** Switches to read mode (read-only) at the first field; in read mode, rewinds. */
    @Override
    public void reset() {
        setReadOnlyBody(true);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public boolean readBoolean() throws JMSException {
        boolean v = TypeConversionSupport.toBoolean(peek());
        position++;
        return v;
    }

    @Override
    public byte readByte() throws JMSException {
        byte v = TypeConversionSupport.toByte(peek());
        position++;
        return v;
    }

    @Override
    public short readShort() throws JMSException {
        short v = TypeConversionSupport.toShort(peek());
        position++;
        return v;
    }

    @Override
    public char readChar() throws JMSException {
        char v = TypeConversionSupport.toChar(peek());
        position++;
        return v;
    }

    @Override
    public int readInt() throws JMSException {
        int v = TypeConversionSupport.toInt(peek());
        position++;
        return v;
    }

    @Override
    public long readLong() throws JMSException {
        long v = TypeConversionSupport.toLong(peek());
        position++;
        return v;
    }

    @Override
    public float readFloat() throws JMSException {
        float v = TypeConversionSupport.toFloat(peek());
        position++;
        return v;
    }

    @Override
    public double readDouble() throws JMSException {
        double v = TypeConversionSupport.toDouble(peek());
        position++;
        return v;
    }

    @Override
    public String readString() throws JMSException {
        String v = TypeConversionSupport.toString(peek());
        position++;
        return v;
    }

    /** The next field as written (a byte[] is copied); null for a null field. */
    @Override
    public Object readObject() throws JMSException {
        Object v = peek();
        position++;
        return v instanceof byte[] bytes ? bytes.clone() : v;
    }

    /**
     * Reads the next chunk of a byte[] field into the start of {@code value}: call it until it
     * returns less than {@code value.length}. A call that returns {@code value.length} with no
     * bytes left is followed by one that returns -1. A null field returns -1, an empty one 0.
     *
     * @throws MessageFormatException if the field is not a byte[] (or null)
     * @throws MessageEOFException if there are no more fields
     */
    @Override
    public int readBytes(byte[] value) throws JMSException {
        if (bytesField == null) {
            Object field = peek();
            if (field == null) {
                position++;
                return -1;
            }
            bytesField = TypeConversionSupport.toBytes(field);
            bytesRemaining = bytesField.length;
        } else if (bytesRemaining == 0) {
            finishBytesField();
            return -1;
        }
        int offset = bytesField.length - bytesRemaining;
        int n = Math.min(value.length, bytesRemaining);
        System.arraycopy(bytesField, offset, value, 0, n);
        bytesRemaining -= n;
        if (bytesRemaining == 0 && n < value.length) {
            finishBytesField();
        }
        return n;
    }

    private void finishBytesField() {
        bytesField = null;
        bytesRemaining = 0;
        position++;
    }

    /**
     * The next field, without moving past it.
     *
     * @throws MessageNotReadableException in write mode
     * @throws MessageFormatException if a byte[] field is part-way through readBytes
     * @throws MessageEOFException if there are no more fields
     */
    private Object peek() throws JMSException {
        if (!isReadOnlyBody()) {
            throw new MessageNotReadableException("The StreamMessage is in write-only mode: call reset() to read it");
        }
        if (bytesField != null) {
            if (bytesRemaining > 0) {
                throw new MessageFormatException("the byte[] field " + position + " has " + bytesRemaining
                        + " bytes left: finish reading it with readBytes() before reading the next field");
            }
            finishBytesField();
        }
        List<Object> fields = values();
        if (position >= fields.size()) {
            throw new MessageEOFException("no more fields in the StreamMessage (it has " + fields.size() + ")");
        }
        return fields.get(position);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        add(value);
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        add(value);
    }

    @Override
    public void writeShort(short value) throws JMSException {
        add(value);
    }

    @Override
    public void writeChar(char value) throws JMSException {
        add(value);
    }

    @Override
    public void writeInt(int value) throws JMSException {
        add(value);
    }

    @Override
    public void writeLong(long value) throws JMSException {
        add(value);
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        add(value);
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        add(value);
    }

    @Override
    public void writeString(String value) throws JMSException {
        add(value);
    }

    /** Writes a copy of the array as one field (null writes a null field). */
    @Override
    public void writeBytes(byte[] value) throws JMSException {
        add(value == null ? null : value.clone());
    }

    /** Writes a copy of {@code length} bytes of the array from {@code offset} as one field. */
    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        if (offset < 0 || length < 0 || offset > value.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length
                    + " (expected: within an array of " + value.length + " bytes)");
        }
        add(Arrays.copyOfRange(value, offset, offset + length));
    }

    /**
     * @throws MessageFormatException if the value is not a boxed primitive, String, byte[] or null
     */
    @Override
    public void writeObject(Object value) throws JMSException {
        if (!TypeConversionSupport.isValidBodyValue(value)) {
            throw new MessageFormatException("StreamMessage.writeObject: unsupported type " + value.getClass().getName()
                    + " (expected: a boxed primitive, String or byte[])");
        }
        add(value instanceof byte[] bytes ? bytes.clone() : value);
    }

    private void add(Object value) throws JMSException {
        checkWritableBody();
        values().add(value);
    }

    // ---------------------------------------------------------------- body hooks

    /** Always MessageFormatException: JMS gives a StreamMessage no getBody. */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        throw new MessageFormatException("getBody is not supported for a StreamMessage: read it with readObject()");
    }

    /** Always false for a StreamMessage. */
    @Override
    public boolean isBodyAssignableTo(@SuppressWarnings("rawtypes") Class c) {
        return false;
    }

    @Override
    void setReadOnlyBody(boolean readOnly) {
        super.setReadOnlyBody(readOnly);
        position = 0;
        bytesField = null;
        bytesRemaining = 0;
    }

    @Override
    BodyType bodyType() {
        return BodyType.STREAM;
    }

    @Override
    byte[] encodeBody() {
        // An undecoded received body is passed on as is (it is never modified).
        return encoded != null ? encoded : BodyCodecSupport.encodeList(values);
    }

    @Override
    void decodeBody(byte[] body) {
        values = new ArrayList<>();
        encoded = body;
    }

    @Override
    void clearBodyContent() {
        values = new ArrayList<>();
        encoded = null;
    }

    @Override
    void copyBodyFrom(Message foreign) throws JMSException {
        StreamMessage other = (StreamMessage) foreign;
        other.reset();
        try {
            while (true) {
                writeObject(other.readObject());
            }
        } catch (MessageEOFException end) {
            // The normal end of the fields.
        }
        other.reset();
    }
}
