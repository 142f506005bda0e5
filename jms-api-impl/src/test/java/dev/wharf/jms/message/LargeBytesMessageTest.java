package dev.wharf.jms.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A BytesMessage whose body outgrows the threshold moves to a file and reads back through a window. */
@Timeout(30)
class LargeBytesMessageTest {

    private static JmsBytesMessage message(int threshold, Set<Path> owner) {
        JmsBytesMessage m = new JmsBytesMessage();
        m.spillTo(threshold, owner);
        return m;
    }

    @Test
    void bodyStaysInMemoryUpToTheThresholdAndMovesToAFileBeyondIt() throws Exception {
        Set<Path> owner = new HashSet<>();
        JmsBytesMessage m = message(4096, owner);
        m.writeBytes(new byte[4000]);
        assertFalse(m.hasExternalBody());
        assertNull(m.bodyFile());
        m.writeBytes(new byte[200]);
        assertTrue(m.hasExternalBody());
        assertNotNull(m.bodyFile());
        assertEquals(1, owner.size());
        assertEquals(4200, Files.size(m.bodyFile().path()));
    }

    @Test
    void smallWritesSpillOnceTheBodyIsPastTheThreshold() throws Exception {
        JmsBytesMessage m = message(1024, null);
        for (int i = 0; i < 1000; i++) {
            m.writeInt(i);
        }
        assertTrue(m.hasExternalBody());
        m.reset();
        assertEquals(4000, m.getBodyLength());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, m.readInt());
        }
        assertThrows(MessageEOFException.class, m::readByte);
    }

    @Test
    void typedReadsAcrossTheReadWindowBoundaryAndBulkReadsReturnEveryByte() throws Exception {
        JmsBytesMessage m = message(1024, null);
        byte[] filler = new byte[FileBodyReader.WINDOW - 3];
        new Random(1).nextBytes(filler);
        m.writeBytes(filler);
        m.writeLong(0x0102030405060708L); // straddles the first window's end
        m.writeUTF("straddle ✓");
        byte[] tail = new byte[3 * FileBodyReader.WINDOW + 11];
        new Random(2).nextBytes(tail);
        m.writeBytes(tail);
        m.reset();
        byte[] got = new byte[filler.length];
        assertEquals(filler.length, m.readBytes(got));
        assertArrayEquals(filler, got);
        assertEquals(0x0102030405060708L, m.readLong());
        assertEquals("straddle ✓", m.readUTF());
        byte[] back = new byte[tail.length];
        assertEquals(tail.length, m.readBytes(back));
        assertArrayEquals(tail, back);
        assertEquals(-1, m.readBytes(new byte[1]));
        m.reset();
        assertEquals(filler[0], m.readByte());
    }

    @Test
    void clearBodyDeletesTheFile() throws Exception {
        Set<Path> owner = new HashSet<>();
        JmsBytesMessage m = message(1024, owner);
        m.writeBytes(new byte[5000]);
        Path file = m.bodyFile().path();
        assertTrue(Files.exists(file));
        m.clearBody();
        assertFalse(Files.exists(file));
        assertTrue(owner.isEmpty());
        assertFalse(m.hasExternalBody());
        m.writeBytes(new byte[] {1, 2});
        m.reset();
        assertEquals(2, m.getBodyLength());
    }

    @Test
    void saveStreamWritesTheWholeBodyWhateverThePosition() throws Exception {
        JmsBytesMessage m = message(1024, null);
        byte[] body = new byte[10_000];
        new Random(3).nextBytes(body);
        m.writeBytes(body);
        m.reset();
        m.readInt();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.setObjectProperty(JmsBytesMessage.SAVE_STREAM, out);
        assertArrayEquals(body, out.toByteArray());
        assertArrayEquals(body, m.getBody(byte[].class));
    }

    @Test
    void inputStreamPropertyMakesTheBodyExternalAndOtherTypesAreRefused() throws Exception {
        JmsBytesMessage m = message(1024, null);
        m.setObjectProperty(JmsBytesMessage.INPUT_STREAM, new ByteArrayInputStream(new byte[3]));
        assertTrue(m.hasExternalBody());
        assertNotNull(m.bodyInputStream());
        assertNull(m.getObjectProperty(JmsBytesMessage.INPUT_STREAM));
        assertThrows(MessageFormatException.class, () -> m.setObjectProperty(JmsBytesMessage.INPUT_STREAM, "not a stream"));
        assertThrows(MessageFormatException.class, () -> m.setObjectProperty(JmsBytesMessage.SAVE_STREAM, "not a stream"));
    }

    @Test
    void receivedLargeBodyIsReadFromItsFile() throws Exception {
        LargeBodyFile f = LargeBodyFile.create(null);
        byte[] body = new byte[200_000];
        new Random(4).nextBytes(body);
        Files.write(f.path(), body);
        f.length(body.length);
        JmsBytesMessage m = new JmsBytesMessage();
        m.reset();
        m.receivedBody(f);
        assertEquals(body.length, m.getBodyLength());
        byte[] back = new byte[body.length];
        int read = 0;
        for (int n; (n = m.readBytes(new byte[7000])) > 0; ) {
            read += n;
        }
        assertEquals(body.length, read);
        m.reset();
        assertEquals(body.length, m.readBytes(back));
        assertArrayEquals(body, back);
        f.delete();
        assertFalse(Files.exists(f.path()));
    }
}
