package dev.wharf.protocol;

/** Which topic subscription a consumer uses; {@link #code()} is the wire byte. */
public enum SubscriptionKind {
    /** A queue consumer, or a private non-durable topic subscription. */
    NONE(0),
    /** An unshared durable subscription: client id + name. */
    DURABLE(1),
    /** A shared non-durable subscription (JMS 2.0): name, plus the client id if set. */
    SHARED(2),
    /** A shared durable subscription (JMS 2.0): name, plus the client id if set. */
    SHARED_DURABLE(3);

    private final int code;

    SubscriptionKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean isDurable() {
        return this == DURABLE || this == SHARED_DURABLE;
    }

    public boolean isShared() {
        return this == SHARED || this == SHARED_DURABLE;
    }

    public static SubscriptionKind fromCode(int code) {
        for (SubscriptionKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new ProtocolException("unknown subscription kind: " + code);
    }
}
