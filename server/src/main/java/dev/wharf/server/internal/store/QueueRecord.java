package dev.wharf.server.internal.store;

/**
 * A durable destination as journaled: a queue, or a durable (possibly shared) subscription.
 *
 * @param id the journal record id (0 until stored)
 * @param kind what it is
 * @param name the queue name, or the subscription name
 * @param topic the subscription's topic, null for a queue
 * @param clientId the subscription's client id, or null
 * @param selector the subscription's selector, or null
 * @param noLocal the subscription's no-local flag
 */
public record QueueRecord(long id, Kind kind, String name, String topic, String clientId, String selector, boolean noLocal) {

    /** The kinds of QUEUE record; {@link #code()} is the stored byte. */
    public enum Kind {
        QUEUE(1), DURABLE_SUBSCRIPTION(2), SHARED_DURABLE_SUBSCRIPTION(3);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Kind fromCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown queue record kind: " + code);
        }
    }

    public static QueueRecord queue(String name) {
        return new QueueRecord(0, Kind.QUEUE, name, null, null, null, false);
    }

    public QueueRecord withId(long newId) {
        return new QueueRecord(newId, kind, name, topic, clientId, selector, noLocal);
    }
}
