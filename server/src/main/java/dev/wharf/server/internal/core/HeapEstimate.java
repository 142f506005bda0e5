package dev.wharf.server.internal.core;

import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import java.util.Map;

/**
 * What a message costs the broker's heap while it is held, for {@code max-size-bytes} and
 * {@code global.max.size}: its body and properties, and the objects around them (the message,
 * its strings, each queue's reference to it, the journal's index of its records). For a small
 * message those objects are most of it: a 10-byte persistent message on one queue costs about
 * 680 bytes (a heap histogram of a broker holding 200 000 of them), about what this estimates.
 *
 * <p>Sizes assume a 64-bit JVM with compressed references (any heap under 32 GiB) and compact
 * strings; they are an estimate, close for ASCII ids, low for ids outside Latin-1.
 */
public final class HeapEstimate {

    /** The broker's record of a message ({@link StoredMessage}). */
    static final int STORED_MESSAGE = 80;
    /** A queue's reference ({@link MessageRef}) and its entry in the queue's ordered set. */
    static final int REFERENCE = 48 + 40;
    /** The journal's index of one live record (entry, boxed id, record, location). */
    static final int JOURNAL_RECORD = 136;

    private static final int WIRE_MESSAGE = 88;
    private static final int ARRAY_HEADER = 16;
    private static final int STRING_OBJECT = 24;
    private static final int DESTINATION = 24;
    /** The unmodifiable wrapper, the map and its table, of a message with properties. */
    private static final int PROPERTY_MAP = 24 + 48 + ARRAY_HEADER;
    /** One property's map node and table slot. */
    private static final int PROPERTY = 32 + 8;
    /** A property's boxed primitive value. */
    private static final int BOXED = 24;

    private HeapEstimate() {
    }

    /**
     * The heap one message holds besides its references: the {@link StoredMessage}, the wire
     * message with its own strings, properties and body (as it is now: a paged-out message's
     * body is empty).
     */
    public static long message(WireMessage w) {
        // Its destination and producer id are not counted: a routed message shares them with the
        // others of its address and connection (StoredMessage.shareHeaders).
        long n = STORED_MESSAGE + WIRE_MESSAGE
                + string(w.messageId()) + destination(w.replyTo()) + string(w.correlationId()) + string(w.type());
        if (w.correlationIdBytes() != null) {
            n += array(w.correlationIdBytes().length);
        }
        if (w.body() != null) {
            n += array(w.body().length);
        }
        Map<String, Object> properties = w.properties();
        if (!properties.isEmpty()) {
            n += PROPERTY_MAP;
            for (Map.Entry<String, Object> e : properties.entrySet()) {
                n += PROPERTY + string(e.getKey());
                Object v = e.getValue();
                if (v instanceof String s) {
                    n += string(s);
                } else if (v instanceof byte[] b) {
                    n += array(b.length);
                } else {
                    n += BOXED;
                }
            }
        }
        return n;
    }

    /**
     * The heap a routed message holds: {@link #message}, {@code refs} references, and the journal
     * index of its MESSAGE record and of {@code journaledRefs} REF records.
     */
    public static long routed(WireMessage w, int refs, int journaledRefs) {
        return message(w) + (long) refs * REFERENCE
                + (journaledRefs > 0 ? (long) (journaledRefs + 1) * JOURNAL_RECORD : 0);
    }

    private static long string(String s) {
        return s == null ? 0 : STRING_OBJECT + array(s.length());
    }

    /** A byte array: its header and its length, padded to 8 bytes as the JVM lays it out. */
    private static long array(int length) {
        return (ARRAY_HEADER + length + 7L) & ~7L;
    }

    private static long destination(WireDestination d) {
        return d == null ? 0 : DESTINATION + string(d.name());
    }
}
