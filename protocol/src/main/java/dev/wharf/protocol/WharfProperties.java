package dev.wharf.protocol;

/**
 * Message properties the broker reads or adds. Applications read them with the usual
 * {@code Message.getXxxProperty} methods; producers set {@link #DUPLICATE_ID}.
 */
public final class WharfProperties {

    /**
     * Set on a message moved to a dead-letter or expiry queue: where it was sent, as
     * {@code queue:NAME}, {@code topic:NAME}, {@code temp-queue:NAME} or {@code temp-topic:NAME}.
     */
    public static final String ORIGINAL_DESTINATION = "WHARF_ORIG_DESTINATION";

    /** Set on a moved message: the broker queue it left (for a topic, the subscription's queue). */
    public static final String ORIGINAL_QUEUE = "WHARF_ORIG_QUEUE";

    /** Set on a dead-lettered message: how many times it was delivered (int). */
    public static final String DELIVERY_ATTEMPTS = "WHARF_DELIVERY_ATTEMPTS";

    /** Set on a dead-lettered or expired message moved elsewhere: why it was moved. */
    public static final String MOVE_REASON = "WHARF_MOVE_REASON";

    /** Set on a message moved to an expiry queue: its original expiration (long, ms since the epoch). */
    public static final String ORIGINAL_EXPIRATION = "WHARF_ORIG_EXPIRATION";

    /**
     * Set by a producer (string): the broker drops a second message with the same value sent to
     * the same address, and confirms the send all the same.
     */
    public static final String DUPLICATE_ID = "WHARF_DUPLICATE_ID";

    /**
     * Set by the broker on a large message a {@code QueueBrowser} sees: the length (long) of its
     * body, which is not sent to browsers (the message's body reads as empty there).
     */
    public static final String LARGE_BODY_OMITTED = "JMS_WHARF_LargeBodyOmitted";

    private WharfProperties() {
    }

    /** The {@link #ORIGINAL_DESTINATION} text of a destination. */
    public static String describe(WireDestination d) {
        String kind = switch (d.kind()) {
            case QUEUE -> "queue";
            case TOPIC -> "topic";
            case TEMP_QUEUE -> "temp-queue";
            case TEMP_TOPIC -> "temp-topic";
        };
        return kind + ":" + d.name();
    }
}
