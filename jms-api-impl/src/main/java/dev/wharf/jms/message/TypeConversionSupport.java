package dev.wharf.jms.message;

import jakarta.jms.MessageFormatException;

/**
 * The JMS value conversion table (Jakarta Messaging 3.1, section 3.5.4 for properties, and the
 * MapMessage and StreamMessage javadoc), written once for properties, map entries and stream
 * fields. A value written as the row type may be read as the marked types:
 *
 * <pre>
 *           boolean byte short char int long float double String byte[]
 * Boolean      X                                            X
 * Byte              X     X         X    X                  X
 * Short                   X         X    X                  X
 * Character                    X                            X
 * Integer                           X    X                  X
 * Long                                   X                  X
 * Float                                       X     X       X
 * Double                                            X       X
 * String       X    X     X         X    X    X     X       X
 * byte[]                                                           X
 * </pre>
 *
 * A String is parsed with the target's {@code valueOf(String)}, so a bad number throws
 * {@link NumberFormatException}. A null (a missing property or map entry, or a null stream field)
 * is read the same way, as the spec asks: {@code Boolean.valueOf(null)} is false, the integral
 * types throw NumberFormatException, float and double throw NullPointerException (that is what
 * {@code Float.valueOf(null)} does), char throws NullPointerException, String and byte[] give
 * null. Every other conversion throws {@link MessageFormatException}.
 *
 * <p>Stateless and thread-safe.
 */
final class TypeConversionSupport {

    private TypeConversionSupport() {
    }

    static boolean toBoolean(Object v) throws MessageFormatException {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v == null || v instanceof String) {
            return Boolean.valueOf((String) v);
        }
        throw cannotConvert(v, "boolean");
    }

    static byte toByte(Object v) throws MessageFormatException {
        if (v instanceof Byte b) {
            return b;
        }
        if (v == null || v instanceof String) {
            return Byte.valueOf((String) v);
        }
        throw cannotConvert(v, "byte");
    }

    static short toShort(Object v) throws MessageFormatException {
        if (v instanceof Short s) {
            return s;
        }
        if (v instanceof Byte b) {
            return b;
        }
        if (v == null || v instanceof String) {
            return Short.valueOf((String) v);
        }
        throw cannotConvert(v, "short");
    }

    static char toChar(Object v) throws MessageFormatException {
        if (v instanceof Character c) {
            return c;
        }
        if (v == null) {
            // char has no valueOf(String): the spec asks for a NullPointerException here.
            throw new NullPointerException("cannot read a null value as a char");
        }
        throw cannotConvert(v, "char");
    }

    static int toInt(Object v) throws MessageFormatException {
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Short s) {
            return s;
        }
        if (v instanceof Byte b) {
            return b;
        }
        if (v == null || v instanceof String) {
            return Integer.valueOf((String) v);
        }
        throw cannotConvert(v, "int");
    }

    static long toLong(Object v) throws MessageFormatException {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Short s) {
            return s;
        }
        if (v instanceof Byte b) {
            return b;
        }
        if (v == null || v instanceof String) {
            return Long.valueOf((String) v);
        }
        throw cannotConvert(v, "long");
    }

    static float toFloat(Object v) throws MessageFormatException {
        if (v instanceof Float f) {
            return f;
        }
        if (v == null || v instanceof String) {
            return Float.valueOf((String) v);
        }
        throw cannotConvert(v, "float");
    }

    static double toDouble(Object v) throws MessageFormatException {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Float f) {
            return f;
        }
        if (v == null || v instanceof String) {
            return Double.valueOf((String) v);
        }
        throw cannotConvert(v, "double");
    }

    static String toString(Object v) throws MessageFormatException {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof byte[]) {
            throw cannotConvert(v, "String");
        }
        return v.toString();
    }

    /** The byte[] itself, not a copy; null for null. */
    static byte[] toBytes(Object v) throws MessageFormatException {
        if (v == null || v instanceof byte[]) {
            return (byte[]) v;
        }
        throw cannotConvert(v, "byte[]");
    }

    /** True for the boxed primitives, String and byte[]: what map entries and stream fields may hold. */
    static boolean isValidBodyValue(Object v) {
        return v == null || v instanceof Boolean || v instanceof Byte || v instanceof Short
                || v instanceof Character || v instanceof Integer || v instanceof Long
                || v instanceof Float || v instanceof Double || v instanceof String || v instanceof byte[];
    }

    /** The body types less Character and byte[]: what message properties may hold. */
    static boolean isValidPropertyValue(Object v) {
        return isValidBodyValue(v) && !(v instanceof Character) && !(v instanceof byte[]);
    }

    static String typeName(Object v) {
        return v == null ? "null" : v instanceof byte[] ? "byte[]" : v.getClass().getSimpleName();
    }

    private static MessageFormatException cannotConvert(Object v, String target) {
        return new MessageFormatException("cannot read a " + typeName(v) + " value as " + target
                + " (see the conversion table in the Jakarta Messaging spec, 3.5.4)");
    }
}
