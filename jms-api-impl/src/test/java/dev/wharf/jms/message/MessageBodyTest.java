package dev.wharf.jms.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** getBody and isBodyAssignableTo for every message type, and the Text and Object bodies. */
class MessageBodyTest {

    @Test
    void plainMessageHasNoBodyForAnyClass() throws Exception {
        JmsMessage m = new JmsMessage();
        assertNull(m.getBody(String.class));
        assertNull(m.getBody(Map.class));
        assertTrue(m.isBodyAssignableTo(Integer.class));
    }

    @Test
    void textMessageBodyIsAString() throws Exception {
        JmsTextMessage m = new JmsTextMessage("hi");
        assertEquals("hi", m.getBody(String.class));
        assertEquals("hi", m.getBody(Object.class));
        assertEquals("hi", m.getBody(CharSequence.class));
        assertTrue(m.isBodyAssignableTo(String.class));
        assertFalse(m.isBodyAssignableTo(byte[].class));
        assertThrows(MessageFormatException.class, () -> m.getBody(byte[].class));
        assertThrows(MessageFormatException.class, () -> m.getBody(Map.class));
    }

    @Test
    void textMessageWithNullTextHasNoBody() throws Exception {
        JmsTextMessage m = new JmsTextMessage();
        assertNull(m.getBody(Map.class));
        assertTrue(m.isBodyAssignableTo(Map.class));
    }

    @Test
    void bytesMessageBodyIsAByteArrayCopyWhateverTheMode() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        m.writeBytes(new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, m.getBody(byte[].class));
        m.reset();
        m.readByte();
        byte[] body = m.getBody(byte[].class);
        assertArrayEquals(new byte[] {1, 2}, body);
        body[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, (byte[]) m.getBody(Object.class));
        assertEquals(2, m.readByte());
        assertTrue(m.isBodyAssignableTo(byte[].class));
        assertFalse(m.isBodyAssignableTo(String.class));
        assertThrows(MessageFormatException.class, () -> m.getBody(String.class));
    }

    @Test
    void emptyBytesMessageHasNoBody() throws Exception {
        JmsBytesMessage m = new JmsBytesMessage();
        assertNull(m.getBody(String.class));
        assertTrue(m.isBodyAssignableTo(String.class));
    }

    @Test
    void mapMessageBodyIsACopyOfTheMap() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        m.setInt("a", 1);
        m.setBytes("b", new byte[] {2});
        @SuppressWarnings("unchecked")
        Map<String, Object> body = m.getBody(Map.class);
        assertEquals(1, body.get("a"));
        assertArrayEquals(new byte[] {2}, (byte[]) body.get("b"));
        body.put("c", 3);
        ((byte[]) body.get("b"))[0] = 9;
        assertFalse(m.itemExists("c"));
        assertArrayEquals(new byte[] {2}, m.getBytes("b"));
        assertTrue(m.isBodyAssignableTo(Map.class));
        assertTrue(m.isBodyAssignableTo(Object.class));
        assertFalse(m.isBodyAssignableTo(String.class));
        assertThrows(MessageFormatException.class, () -> m.getBody(String.class));
    }

    @Test
    void emptyMapMessageHasNoBody() throws Exception {
        assertNull(new JmsMapMessage().getBody(String.class));
        assertTrue(new JmsMapMessage().isBodyAssignableTo(String.class));
    }

    @Test
    void streamMessageNeverGivesItsBody() throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        assertThrows(MessageFormatException.class, () -> m.getBody(Object.class));
        assertFalse(m.isBodyAssignableTo(Object.class));
        m.writeInt(1);
        assertThrows(MessageFormatException.class, () -> m.getBody(List.class));
        assertFalse(m.isBodyAssignableTo(List.class));
    }

    @Test
    void objectMessageBodyIsTheDeserializedObject() throws Exception {
        JmsObjectMessage m = new JmsObjectMessage();
        m.setObject(new ArrayList<>(List.of("a", "b")));
        assertEquals(List.of("a", "b"), m.getBody(ArrayList.class));
        assertEquals(List.of("a", "b"), m.getBody(Serializable.class));
        assertTrue(m.isBodyAssignableTo(List.class));
        assertFalse(m.isBodyAssignableTo(Map.class));
        assertThrows(MessageFormatException.class, () -> m.getBody(String.class));
    }

    @Test
    void objectMessageWithNullObjectHasNoBody() throws Exception {
        JmsObjectMessage m = new JmsObjectMessage();
        assertNull(m.getBody(String.class));
        assertTrue(m.isBodyAssignableTo(String.class));
    }

    @Test
    void objectIsSerializedWhenSetSoLaterChangesDoNotReachTheMessage() throws Exception {
        JmsObjectMessage m = new JmsObjectMessage();
        ArrayList<String> list = new ArrayList<>(List.of("a"));
        m.setObject(list);
        list.add("b");
        assertEquals(List.of("a"), m.getObject());
        @SuppressWarnings("unchecked")
        List<String> got = (List<String>) m.getObject();
        got.add("c");
        assertEquals(List.of("a"), m.getObject());
    }

    @Test
    void unserializableObjectThrowsMessageFormatException() {
        JmsObjectMessage m = new JmsObjectMessage();
        ArrayList<Object> list = new ArrayList<>();
        list.add(new Object());
        assertThrows(MessageFormatException.class, () -> m.setObject(list));
    }

    @Test
    void undeserializableObjectThrowsMessageFormatExceptionFromGetObjectAndGetBody() throws Exception {
        JmsObjectMessage m = new JmsObjectMessage();
        m.setObject("x");
        dev.wharf.protocol.WireMessage wire = m.toWire();
        byte[] broken = wire.body().clone();
        broken[broken.length - 1] ^= 0x7f;
        broken = java.util.Arrays.copyOf(broken, broken.length - 1);
        JmsObjectMessage received = (JmsObjectMessage) JmsMessage.fromWire(new dev.wharf.protocol.WireMessage(
                null, null, null, null, null, 2, 4, 0, 0, 0, null, null, null, wire.bodyType(), broken), 1);
        assertThrows(MessageFormatException.class, received::getObject);
        assertThrows(MessageFormatException.class, () -> received.getBody(Object.class));
        assertThrows(MessageFormatException.class, () -> received.isBodyAssignableTo(Object.class));
    }

    @Test
    void objectIsResolvedWithTheThreadContextClassLoader() throws Exception {
        JmsObjectMessage m = new JmsObjectMessage();
        m.setObject(new Payload("p"));
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        CountingLoader loader = new CountingLoader(getClass().getClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            assertEquals(new Payload("p"), m.getObject());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        assertTrue(loader.asked.contains(Payload.class.getName()));
    }

    record Payload(String value) implements Serializable {
    }

    private static final class CountingLoader extends ClassLoader {
        final List<String> asked = new ArrayList<>();

        CountingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            asked.add(name);
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void receivedTextAndObjectBodiesAreReadOnlyUntilClearBody() throws Exception {
        JmsTextMessage text = (JmsTextMessage) JmsMessage.fromWire(new JmsTextMessage("t").toWire(), 1);
        assertThrows(MessageNotWriteableException.class, () -> text.setText("u"));
        text.clearBody();
        text.setText("u");
        assertEquals("u", text.getText());
        JmsObjectMessage object = new JmsObjectMessage();
        object.setObject("o");
        JmsObjectMessage received = (JmsObjectMessage) JmsMessage.fromWire(object.toWire(), 1);
        assertEquals("o", received.getObject());
        assertThrows(MessageNotWriteableException.class, () -> received.setObject("p"));
        received.clearBody();
        assertNull(received.getObject());
        received.setObject("p");
        assertEquals("p", received.getObject());
    }
}
