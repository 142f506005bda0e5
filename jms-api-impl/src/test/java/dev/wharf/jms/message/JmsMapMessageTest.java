package dev.wharf.jms.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class JmsMapMessageTest {

    @Test
    void everyTypedSetterIsReadBackByItsGetter() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        m.setBoolean("bool", true);
        m.setByte("byte", (byte) 1);
        m.setShort("short", (short) 2);
        m.setChar("char", 'c');
        m.setInt("int", 3);
        m.setLong("long", 4L);
        m.setFloat("float", 5.5f);
        m.setDouble("double", 6.5);
        m.setString("string", "seven");
        m.setBytes("bytes", new byte[] {8});
        m.setBytes("range", new byte[] {0, 9, 10, 0}, 1, 2);
        assertTrue(m.getBoolean("bool"));
        assertEquals(1, m.getByte("byte"));
        assertEquals(2, m.getShort("short"));
        assertEquals('c', m.getChar("char"));
        assertEquals(3, m.getInt("int"));
        assertEquals(4L, m.getLong("long"));
        assertEquals(5.5f, m.getFloat("float"));
        assertEquals(6.5, m.getDouble("double"));
        assertEquals("seven", m.getString("string"));
        assertArrayEquals(new byte[] {8}, m.getBytes("bytes"));
        assertArrayEquals(new byte[] {9, 10}, m.getBytes("range"));
        assertEquals(Character.valueOf('c'), m.getObject("char"));
    }

    @Test
    void mapNamesListEveryEntryAndItemExistsFindsThem() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        m.setInt("a", 1);
        m.setString("b", null);
        m.setObject("c", 2L);
        Set<String> names = new HashSet<>(Collections.list(m.getMapNames()));
        assertEquals(Set.of("a", "b", "c"), names);
        assertTrue(m.itemExists("b"));
        assertFalse(m.itemExists("d"));
        assertEquals(List.of(), Collections.list(new JmsMapMessage().getMapNames()));
    }

    @Test
    void settingAnEntryAgainReplacesIt() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        m.setInt("a", 1);
        m.setString("a", "two");
        assertEquals("two", m.getObject("a"));
        assertEquals(1, Collections.list(m.getMapNames()).size());
    }

    @Test
    void byteArraysAreCopiedInAndOut() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        byte[] in = {1};
        m.setBytes("a", in);
        m.setObject("b", in);
        in[0] = 9;
        m.getBytes("a")[0] = 7;
        ((byte[]) m.getObject("b"))[0] = 7;
        assertArrayEquals(new byte[] {1}, m.getBytes("a"));
        assertArrayEquals(new byte[] {1}, m.getBytes("b"));
    }

    @Test
    void setObjectAcceptsBoxedPrimitivesStringByteArrayAndNullOnly() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        for (Object v : new Object[] {true, (byte) 1, (short) 1, 'c', 1, 1L, 1f, 1d, "s", new byte[1], null}) {
            m.setObject("k", v);
        }
        assertThrows(MessageFormatException.class, () -> m.setObject("k", new Object()));
        assertThrows(MessageFormatException.class, () -> m.setObject("k", List.of()));
        assertThrows(MessageFormatException.class, () -> m.setObject("k", new int[1]));
    }

    @Test
    void nullOrEmptyNameThrowsIllegalArgumentException() {
        JmsMapMessage m = new JmsMapMessage();
        assertThrows(IllegalArgumentException.class, () -> m.setInt(null, 1));
        assertThrows(IllegalArgumentException.class, () -> m.setString("", "x"));
        assertThrows(IllegalArgumentException.class, () -> m.setObject(null, 1));
        assertThrows(IllegalArgumentException.class, () -> m.setBytes("", new byte[1]));
    }

    @Test
    void missingEntryGivesNullForObjectStringAndBytes() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        assertNull(m.getObject("none"));
        assertNull(m.getString("none"));
        assertNull(m.getBytes("none"));
        assertFalse(m.getBoolean("none"));
    }

    @Test
    void receivedMessageIsReadOnlyUntilClearBody() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        m.setInt("a", 1);
        JmsMapMessage received = (JmsMapMessage) JmsMessage.fromWire(m.toWire(), 1);
        assertEquals(1, received.getInt("a"));
        assertThrows(MessageNotWriteableException.class, () -> received.setInt("b", 2));
        assertThrows(MessageNotWriteableException.class, () -> received.setObject("b", 2));
        assertThrows(MessageNotWriteableException.class, () -> received.setBytes("b", new byte[1]));
        received.clearBody();
        assertFalse(received.itemExists("a"));
        received.setInt("b", 2);
        assertEquals(2, received.getInt("b"));
    }

    @Test
    void malformedReceivedBodyThrowsMessageFormatExceptionOnAccess() throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        dev.wharf.protocol.WireMessage wire = m.toWire();
        dev.wharf.protocol.WireMessage bad = new dev.wharf.protocol.WireMessage(null, null, null, null, null, 2, 4,
                0, 0, 0, null, null, null, dev.wharf.protocol.BodyType.MAP, new byte[] {0, 0, 0, 9});
        assertEquals(wire.bodyType(), bad.bodyType());
        JmsMapMessage received = (JmsMapMessage) JmsMessage.fromWire(bad, 1);
        assertThrows(MessageFormatException.class, () -> received.getInt("a"));
        assertThrows(MessageFormatException.class, received::getMapNames);
    }
}
