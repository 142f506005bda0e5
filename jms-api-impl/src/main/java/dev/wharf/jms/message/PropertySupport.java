package dev.wharf.jms.message;

import jakarta.jms.MessageFormatException;
import java.util.Locale;
import java.util.Set;

/** Rules for message property names and values (Jakarta Messaging 3.1, 3.5.1 and 3.8.1.1). Stateless, thread-safe. */
final class PropertySupport {

    static final String JMSX_DELIVERY_COUNT = "JMSXDeliveryCount";
    static final String JMSX_GROUP_ID = "JMSXGroupID";
    static final String JMSX_GROUP_SEQ = "JMSXGroupSeq";

    /** Selector keywords, which the spec forbids as identifiers (compared ignoring case). */
    private static final Set<String> RESERVED = Set.of(
            "NULL", "TRUE", "FALSE", "NOT", "AND", "OR", "BETWEEN", "LIKE", "IN", "IS", "ESCAPE");

    private PropertySupport() {
    }

    /**
     * Checks that a property name is a valid message selector identifier.
     *
     * @throws IllegalArgumentException if the name is null, empty, not a Java identifier or a
     *         reserved selector word
     */
    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("property name: " + (name == null ? "null" : "\"\"")
                    + " (expected: a non-empty identifier)");
        }
        if (!Character.isJavaIdentifierStart(name.charAt(0))) {
            throw new IllegalArgumentException("property name \"" + name
                    + "\" must start with a letter, '_' or '$' (selector identifier rules)");
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Character.isJavaIdentifierPart(name.charAt(i))) {
                throw new IllegalArgumentException("property name \"" + name + "\" has the character '"
                        + name.charAt(i) + "' at " + i + ", which a selector identifier may not contain");
            }
        }
        if (RESERVED.contains(name.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("property name \"" + name
                    + "\" is a reserved selector word (NULL, TRUE, FALSE, NOT, AND, OR, BETWEEN, LIKE, IN, IS, ESCAPE)");
        }
    }

    /**
     * Checks a value for setObjectProperty and the JMSX properties whose type the spec fixes.
     *
     * @throws MessageFormatException if the value is not a boxed primitive or a String (or null),
     *         or a JMSX property gets the wrong type
     */
    static void checkValue(String name, Object value) throws MessageFormatException {
        if (!TypeConversionSupport.isValidPropertyValue(value)) {
            throw new MessageFormatException("property " + name + ": unsupported type "
                    + TypeConversionSupport.typeName(value)
                    + " (expected: Boolean, Byte, Short, Integer, Long, Float, Double or String)");
        }
        if (JMSX_GROUP_ID.equals(name) && !(value instanceof String)) {
            throw new MessageFormatException(JMSX_GROUP_ID + " must be a String, not a "
                    + TypeConversionSupport.typeName(value));
        }
        if ((JMSX_GROUP_SEQ.equals(name) || JMSX_DELIVERY_COUNT.equals(name)) && !(value instanceof Integer)) {
            throw new MessageFormatException(name + " must be an int, not a " + TypeConversionSupport.typeName(value));
        }
    }
}
