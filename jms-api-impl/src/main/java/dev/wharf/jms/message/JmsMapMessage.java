package dev.wharf.jms.message;

import dev.wharf.protocol.BodyType;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MapMessage}: named boxed primitives, Strings and byte arrays, read back with the
 * conversions of {@link TypeConversionSupport}. byte[] values are copied in and out. A received
 * body is decoded on first access, so a malformed one surfaces as MessageFormatException there.
 * The wire body is a {@link dev.wharf.protocol.TypedValues} map.
 *
 * <p>Not thread-safe (see {@link JmsMessage}).
 */
public class JmsMapMessage extends JmsMessage implements MapMessage {

    private Map<String, Object> map = new LinkedHashMap<>();
    // A received body not decoded yet; when set, `map` is stale.
    private byte[] encoded;

    /** A new, empty, writable message. */
    public JmsMapMessage() {
    }

    private Map<String, Object> map() throws MessageFormatException {
        if (encoded != null) {
            map = BodyCodecSupport.decodeMap(encoded);
            encoded = null;
        }
        return map;
    }

    // ---------------------------------------------------------------- getters

    @Override
    public boolean getBoolean(String name) throws JMSException {
        return TypeConversionSupport.toBoolean(map().get(name));
    }

    @Override
    public byte getByte(String name) throws JMSException {
        return TypeConversionSupport.toByte(map().get(name));
    }

    @Override
    public short getShort(String name) throws JMSException {
        return TypeConversionSupport.toShort(map().get(name));
    }

    @Override
    public char getChar(String name) throws JMSException {
        return TypeConversionSupport.toChar(map().get(name));
    }

    @Override
    public int getInt(String name) throws JMSException {
        return TypeConversionSupport.toInt(map().get(name));
    }

    @Override
    public long getLong(String name) throws JMSException {
        return TypeConversionSupport.toLong(map().get(name));
    }

    @Override
    public float getFloat(String name) throws JMSException {
        return TypeConversionSupport.toFloat(map().get(name));
    }

    @Override
    public double getDouble(String name) throws JMSException {
        return TypeConversionSupport.toDouble(map().get(name));
    }

    @Override
    public String getString(String name) throws JMSException {
        return TypeConversionSupport.toString(map().get(name));
    }

    /** A copy of the byte[] value; null if there is no such entry. */
    @Override
    public byte[] getBytes(String name) throws JMSException {
        byte[] bytes = TypeConversionSupport.toBytes(map().get(name));
        return bytes == null ? null : bytes.clone();
    }

    /** The value as stored (a byte[] is copied); null if there is no such entry. */
    @Override
    public Object getObject(String name) throws JMSException {
        Object v = map().get(name);
        return v instanceof byte[] bytes ? bytes.clone() : v;
    }

    /** A snapshot of the entry names. */
    @Override
    public Enumeration<String> getMapNames() throws JMSException {
        return Collections.enumeration(List.copyOf(map().keySet()));
    }

    @Override
    public boolean itemExists(String name) throws JMSException {
        return map().containsKey(name);
    }

    // ---------------------------------------------------------------- setters

    @Override
    public void setBoolean(String name, boolean value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setByte(String name, byte value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setShort(String name, short value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setChar(String name, char value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setInt(String name, int value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setLong(String name, long value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setFloat(String name, float value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setDouble(String name, double value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setString(String name, String value) throws JMSException {
        put(name, value);
    }

    /** Stores a copy of the array (null stores a null entry). */
    @Override
    public void setBytes(String name, byte[] value) throws JMSException {
        put(name, value == null ? null : value.clone());
    }

    /** Stores a copy of {@code length} bytes of the array from {@code offset}. */
    @Override
    public void setBytes(String name, byte[] value, int offset, int length) throws JMSException {
        if (offset < 0 || length < 0 || offset > value.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length
                    + " (expected: within an array of " + value.length + " bytes)");
        }
        put(name, Arrays.copyOfRange(value, offset, offset + length));
    }

    /**
     * @throws MessageFormatException if the value is not a boxed primitive, String, byte[] or null
     */
    @Override
    public void setObject(String name, Object value) throws JMSException {
        if (!TypeConversionSupport.isValidBodyValue(value)) {
            checkName(name);
            throw new MessageFormatException("MapMessage.setObject(\"" + name + "\"): unsupported type "
                    + value.getClass().getName() + " (expected: a boxed primitive, String or byte[])");
        }
        put(name, value instanceof byte[] bytes ? bytes.clone() : value);
    }

    /**
     * @throws IllegalArgumentException if the name is null or empty
     * @throws jakarta.jms.MessageNotWriteableException if the body is read-only (received message)
     */
    private void put(String name, Object value) throws JMSException {
        checkName(name);
        checkWritableBody();
        map().put(name, value);
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("MapMessage entry name: " + (name == null ? "null" : "\"\"")
                    + " (expected: a non-empty name)");
        }
    }

    // ---------------------------------------------------------------- body hooks

    @Override
    BodyType bodyType() {
        return BodyType.MAP;
    }

    @Override
    byte[] encodeBody() {
        // An undecoded received body is passed on as is (it is never modified).
        return encoded != null ? encoded : BodyCodecSupport.encodeMap(map);
    }

    @Override
    void decodeBody(byte[] body) {
        map = new LinkedHashMap<>();
        encoded = body;
    }

    @Override
    void clearBodyContent() {
        map = new LinkedHashMap<>();
        encoded = null;
    }

    /** A copy of the entries (byte[] values copied); null if there are none. */
    @Override
    Object bodyObject() throws JMSException {
        Map<String, Object> entries = map();
        if (entries.isEmpty()) {
            return null;
        }
        Map<String, Object> copy = new LinkedHashMap<>(entries);
        copy.replaceAll((k, v) -> v instanceof byte[] bytes ? bytes.clone() : v);
        return copy;
    }

    @Override
    void copyBodyFrom(Message foreign) throws JMSException {
        MapMessage other = (MapMessage) foreign;
        for (Enumeration<?> names = other.getMapNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            setObject(name, other.getObject(name));
        }
    }
}
