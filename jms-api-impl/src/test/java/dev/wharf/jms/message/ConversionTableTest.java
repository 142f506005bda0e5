package dev.wharf.jms.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.jms.MessageFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of the JMS conversion table (Jakarta Messaging 3.1, 3.5.4, and the MapMessage and
 * StreamMessage javadoc), for properties, map entries and stream fields. A cell holds the value the
 * read returns, or the exception class it throws.
 */
class ConversionTableTest {

    private static final Class<?> MFE = MessageFormatException.class;
    private static final Class<?> NFE = NumberFormatException.class;
    private static final Class<?> NPE = NullPointerException.class;

    /** The columns: the type read as. */
    enum Type { BOOLEAN, BYTE, SHORT, CHAR, INT, LONG, FLOAT, DOUBLE, STRING, BYTES }

    private static final byte[] BYTES = {1, 2};

    // Rows: the value written, then what each column's read gives.
    private static final Object[][] TABLE = {
        // written        boolean byte      short      char int long float double  String  byte[]
        {true,            true,  MFE,      MFE,       MFE, MFE, MFE, MFE, MFE,    "true", MFE},
        {(byte) 1,        MFE,   (byte) 1, (short) 1, MFE, 1,   1L,  MFE, MFE,    "1",    MFE},
        {(short) 2,       MFE,   MFE,      (short) 2, MFE, 2,   2L,  MFE, MFE,    "2",    MFE},
        {'c',             MFE,   MFE,      MFE,       'c', MFE, MFE, MFE, MFE,    "c",    MFE},
        {3,               MFE,   MFE,      MFE,       MFE, 3,   3L,  MFE, MFE,    "3",    MFE},
        {4L,              MFE,   MFE,      MFE,       MFE, MFE, 4L,  MFE, MFE,    "4",    MFE},
        {5.5f,            MFE,   MFE,      MFE,       MFE, MFE, MFE, 5.5f, 5.5d,  "5.5",  MFE},
        {6.5d,            MFE,   MFE,      MFE,       MFE, MFE, MFE, MFE, 6.5d,   "6.5",  MFE},
        {"7",             false, (byte) 7, (short) 7, MFE, 7,   7L,  7f,  7d,     "7",    MFE},
        {"true",          true,  NFE,      NFE,       MFE, NFE, NFE, NFE, NFE,    "true", MFE},
        {"abc",           false, NFE,      NFE,       MFE, NFE, NFE, NFE, NFE,    "abc",  MFE},
        {null,            false, NFE,      NFE,       NPE, NFE, NFE, NPE, NPE,    null,   null},
        {BYTES,           MFE,   MFE,      MFE,       MFE, MFE, MFE, MFE, MFE,    MFE,    BYTES},
    };

    private static Stream<Arguments> cells(boolean properties) {
        List<Arguments> cells = new ArrayList<>();
        for (Object[] row : TABLE) {
            Object written = row[0];
            if (properties && (written instanceof Character || written instanceof byte[])) {
                continue; // properties cannot hold char or byte[]
            }
            for (Type type : Type.values()) {
                if (properties && (type == Type.CHAR || type == Type.BYTES)) {
                    continue;
                }
                cells.add(Arguments.of(label(written), type, written, row[1 + type.ordinal()]));
            }
        }
        return cells.stream();
    }

    static Stream<Arguments> propertyCells() {
        return cells(true);
    }

    static Stream<Arguments> bodyCells() {
        return cells(false);
    }

    private static String label(Object v) {
        return v == null ? "null" : v instanceof byte[] b ? "byte[]" + Arrays.toString(b)
                : v.getClass().getSimpleName() + " " + v;
    }

    @FunctionalInterface
    interface Read {
        Object read() throws Exception;
    }

    private static void check(Object expected, Read read) throws Exception {
        if (expected instanceof Class<?> exception) {
            assertThrows(exception.asSubclass(Throwable.class), read::read);
        } else if (expected instanceof byte[] bytes) {
            assertArrayEquals(bytes, (byte[]) read.read());
        } else {
            assertEquals(expected, read.read());
        }
    }

    @ParameterizedTest(name = "property {0} read as {1}")
    @MethodSource("propertyCells")
    void propertyReadFollowsTheConversionTable(String label, Type type, Object written, Object expected) throws Exception {
        JmsMessage m = new JmsMessage();
        m.setObjectProperty("p", written);
        check(expected, () -> switch (type) {
            case BOOLEAN -> m.getBooleanProperty("p");
            case BYTE -> m.getByteProperty("p");
            case SHORT -> m.getShortProperty("p");
            case INT -> m.getIntProperty("p");
            case LONG -> m.getLongProperty("p");
            case FLOAT -> m.getFloatProperty("p");
            case DOUBLE -> m.getDoubleProperty("p");
            case STRING -> m.getStringProperty("p");
            default -> throw new AssertionError(type);
        });
    }

    /** The null row: a missing property reads as a null one. */
    static Stream<Arguments> missingPropertyCells() {
        return cells(true).filter(a -> a.get()[2] == null);
    }

    @ParameterizedTest(name = "missing property read as {1}")
    @MethodSource("missingPropertyCells")
    void missingPropertyReadsLikeANullOne(String label, Type type, Object written, Object expected) throws Exception {
        JmsMessage m = new JmsMessage();
        check(expected, () -> switch (type) {
            case BOOLEAN -> m.getBooleanProperty("missing");
            case BYTE -> m.getByteProperty("missing");
            case SHORT -> m.getShortProperty("missing");
            case INT -> m.getIntProperty("missing");
            case LONG -> m.getLongProperty("missing");
            case FLOAT -> m.getFloatProperty("missing");
            case DOUBLE -> m.getDoubleProperty("missing");
            case STRING -> m.getStringProperty("missing");
            default -> throw new AssertionError(type);
        });
    }

    @ParameterizedTest(name = "map entry {0} read as {1}")
    @MethodSource("bodyCells")
    void mapEntryReadFollowsTheConversionTable(String label, Type type, Object written, Object expected) throws Exception {
        JmsMapMessage m = new JmsMapMessage();
        m.setObject("k", written);
        check(expected, () -> readMap(m, "k", type));
        // A missing entry reads like a null one.
        if (written == null) {
            check(expected, () -> readMap(m, "missing", type));
        }
    }

    private static Object readMap(JmsMapMessage m, String name, Type type) throws Exception {
        return switch (type) {
            case BOOLEAN -> m.getBoolean(name);
            case BYTE -> m.getByte(name);
            case SHORT -> m.getShort(name);
            case CHAR -> m.getChar(name);
            case INT -> m.getInt(name);
            case LONG -> m.getLong(name);
            case FLOAT -> m.getFloat(name);
            case DOUBLE -> m.getDouble(name);
            case STRING -> m.getString(name);
            case BYTES -> m.getBytes(name);
        };
    }

    @ParameterizedTest(name = "stream field {0} read as {1}")
    @MethodSource("bodyCells")
    void streamFieldReadFollowsTheConversionTableAndAFailedReadKeepsThePosition(
            String label, Type type, Object written, Object expected) throws Exception {
        JmsStreamMessage m = new JmsStreamMessage();
        m.writeObject(written);
        m.writeString("next");
        m.reset();
        check(expected, () -> switch (type) {
            case BOOLEAN -> m.readBoolean();
            case BYTE -> m.readByte();
            case SHORT -> m.readShort();
            case CHAR -> m.readChar();
            case INT -> m.readInt();
            case LONG -> m.readLong();
            case FLOAT -> m.readFloat();
            case DOUBLE -> m.readDouble();
            case STRING -> m.readString();
            case BYTES -> {
                byte[] buffer = new byte[16];
                int n = m.readBytes(buffer);
                yield n < 0 ? null : Arrays.copyOf(buffer, n);
            }
        });
        if (expected instanceof Class<?>) {
            // The spec lets the reader retry a failed read as another type.
            check(written, m::readObject);
        }
        assertEquals("next", m.readString());
    }
}
