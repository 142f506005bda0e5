package dev.wharf.jms.message;

import dev.wharf.protocol.BodyType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ObjectMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;

/**
 * An {@link ObjectMessage}. The object is serialized when set, so changing the object afterwards
 * does not change the message, and deserialized on every {@link #getObject()} with the calling
 * thread's context class loader (falling back to this class's loader). The wire body is the Java
 * serialization bytes, or no body for a null object.
 *
 * <p>Deserializing is running code chosen by the sender: only use ObjectMessage between parties
 * that trust each other. Not thread-safe (see {@link JmsMessage}).
 */
public class JmsObjectMessage extends JmsMessage implements ObjectMessage {

    private byte[] serialized;

    /** A new, writable message with a null object. */
    public JmsObjectMessage() {
    }

    /**
     * @throws jakarta.jms.MessageNotWriteableException if the body is read-only (received message)
     * @throws MessageFormatException if the object cannot be serialized
     */
    @Override
    public void setObject(Serializable object) throws JMSException {
        checkWritableBody();
        serialized = serialize(object);
    }

    /**
     * A new deserialized copy of the object on each call; null if none was set.
     *
     * @throws MessageFormatException if the object cannot be deserialized (e.g. its class is missing)
     */
    @Override
    public Serializable getObject() throws JMSException {
        if (serialized == null) {
            return null;
        }
        try (ObjectInputStream in = new ContextClassLoaderObjectInputStream(new ByteArrayInputStream(serialized))) {
            return (Serializable) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            MessageFormatException mfe = new MessageFormatException(
                    "cannot deserialize the object of this ObjectMessage: " + e
                            + " (is its class on the receiver's class path?)");
            mfe.setLinkedException(e);
            mfe.initCause(e);
            throw mfe;
        }
    }

    private static byte[] serialize(Serializable object) throws MessageFormatException {
        if (object == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (IOException e) {
            MessageFormatException mfe = new MessageFormatException("cannot serialize the "
                    + object.getClass().getName() + " for an ObjectMessage: " + e
                    + " (every object it references must be Serializable)");
            mfe.setLinkedException(e);
            mfe.initCause(e);
            throw mfe;
        }
        return bytes.toByteArray();
    }

    @Override
    BodyType bodyType() {
        return BodyType.OBJECT;
    }

    @Override
    byte[] encodeBody() {
        // Never written into (setObject replaces the array), so it may be shared with the wire message.
        return serialized;
    }

    @Override
    void decodeBody(byte[] body) {
        serialized = body;
    }

    @Override
    void clearBodyContent() {
        serialized = null;
    }

    @Override
    Object bodyObject() throws JMSException {
        return getObject();
    }

    @Override
    void copyBodyFrom(Message foreign) throws JMSException {
        serialized = serialize(((ObjectMessage) foreign).getObject());
    }

    /** Resolves classes with the thread context class loader first (application servers need it). */
    private static final class ContextClassLoaderObjectInputStream extends ObjectInputStream {

        ContextClassLoaderObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader tccl = Thread.currentThread().getContextClassLoader();
            if (tccl != null) {
                try {
                    return Class.forName(desc.getName(), false, tccl);
                } catch (ClassNotFoundException e) {
                    // Fall back to the default resolution (primitives, this library's loader).
                }
            }
            return super.resolveClass(desc);
        }
    }
}
