package dev.wharf.server;

import java.util.Objects;

/**
 * What the broker does with the messages of one address (a queue's name, or a topic's for its
 * subscriptions) when delivery fails or they expire. Every field may be unset (null); unset
 * fields take the value of a less specific matching pattern, and finally the default.
 *
 * <pre>
 * config key (address.&lt;pattern&gt;.KEY)  default        meaning
 * max-delivery-attempts              10             deliveries before a message is dead-lettered;
 *                                                   -1: never
 * redelivery-delay-ms                0              wait before a message given back (rollback,
 *                                                   recover, a listener that threw) is delivered again
 * redelivery-multiplier              1.0            the wait grows by this factor per failed attempt
 * max-redelivery-delay-ms            10 x delay     the wait never exceeds this
 * dead-letter-address                DLQ            the queue dead-lettered messages go to
 * expiry-address                     (none)         the queue expired messages go to; none: dropped
 * id-cache-size                      2000           duplicate ids remembered (and journaled) per
 *                                                   address; 0: no duplicate detection
 * </pre>
 *
 * @param maxDeliveryAttempts null: unset
 * @param redeliveryDelayMillis null: unset
 * @param redeliveryMultiplier null: unset
 * @param maxRedeliveryDelayMillis null: unset
 * @param deadLetterAddress null: unset
 * @param expiryAddress null: unset; the empty string: none (expired messages are dropped)
 * @param idCacheSize null: unset
 */
public record AddressSettings(Integer maxDeliveryAttempts, Long redeliveryDelayMillis, Double redeliveryMultiplier,
                              Long maxRedeliveryDelayMillis, String deadLetterAddress, String expiryAddress,
                              Integer idCacheSize) {

    /** Nothing set. */
    public static final AddressSettings UNSET = new AddressSettings(null, null, null, null, null, null, null);

    /** The defaults every address starts from. */
    public static final AddressSettings DEFAULTS = new AddressSettings(10, 0L, 1.0, null, "DLQ", "", 2000);

    /** The config keys, after {@code address.<pattern>.}. */
    public static final java.util.List<String> KEYS = java.util.List.of("max-delivery-attempts", "redelivery-delay-ms",
            "redelivery-multiplier", "max-redelivery-delay-ms", "dead-letter-address", "expiry-address", "id-cache-size");

    public AddressSettings {
        if (maxDeliveryAttempts != null && (maxDeliveryAttempts == 0 || maxDeliveryAttempts < -1)) {
            throw new ConfigException("max-delivery-attempts: " + maxDeliveryAttempts + " (expected: -1 for never, or >= 1)");
        }
        if (redeliveryDelayMillis != null && redeliveryDelayMillis < 0) {
            throw new ConfigException("redelivery-delay-ms: " + redeliveryDelayMillis + " (expected: >= 0)");
        }
        if (redeliveryMultiplier != null && !(redeliveryMultiplier >= 1.0 && redeliveryMultiplier <= 1000)) {
            throw new ConfigException("redelivery-multiplier: " + redeliveryMultiplier + " (expected: 1.0 .. 1000)");
        }
        if (maxRedeliveryDelayMillis != null && maxRedeliveryDelayMillis < 0) {
            throw new ConfigException("max-redelivery-delay-ms: " + maxRedeliveryDelayMillis + " (expected: >= 0)");
        }
        if (idCacheSize != null && idCacheSize < 0) {
            throw new ConfigException("id-cache-size: " + idCacheSize + " (expected: >= 0)");
        }
        if (deadLetterAddress != null && deadLetterAddress.isBlank()) {
            throw new ConfigException("dead-letter-address: empty (give a queue name, or max-delivery-attempts=-1)");
        }
    }

    /** These settings with every field {@code over} sets taking its place. */
    public AddressSettings overriddenBy(AddressSettings over) {
        return new AddressSettings(
                pick(over.maxDeliveryAttempts, maxDeliveryAttempts),
                pick(over.redeliveryDelayMillis, redeliveryDelayMillis),
                pick(over.redeliveryMultiplier, redeliveryMultiplier),
                pick(over.maxRedeliveryDelayMillis, maxRedeliveryDelayMillis),
                pick(over.deadLetterAddress, deadLetterAddress),
                pick(over.expiryAddress, expiryAddress),
                pick(over.idCacheSize, idCacheSize));
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    /** A copy with one config key set from its text value. */
    public AddressSettings with(String key, String value) {
        Objects.requireNonNull(value, "value");
        String v = value.trim();
        return switch (key) {
            case "max-delivery-attempts" -> new AddressSettings(BrokerConfig.parseInt(key, v), redeliveryDelayMillis,
                    redeliveryMultiplier, maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress, idCacheSize);
            case "redelivery-delay-ms" -> new AddressSettings(maxDeliveryAttempts, parseLong(key, v),
                    redeliveryMultiplier, maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress, idCacheSize);
            case "redelivery-multiplier" -> new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis,
                    parseDouble(key, v), maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress, idCacheSize);
            case "max-redelivery-delay-ms" -> new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis,
                    redeliveryMultiplier, parseLong(key, v), deadLetterAddress, expiryAddress, idCacheSize);
            case "dead-letter-address" -> new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis,
                    redeliveryMultiplier, maxRedeliveryDelayMillis, v, expiryAddress, idCacheSize);
            case "expiry-address" -> new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis,
                    redeliveryMultiplier, maxRedeliveryDelayMillis, deadLetterAddress, v, idCacheSize);
            case "id-cache-size" -> new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis,
                    redeliveryMultiplier, maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress,
                    BrokerConfig.parseInt(key, v));
            default -> throw new ConfigException("unknown address setting '" + key + "' (expected one of: "
                    + String.join(", ", KEYS) + ")");
        };
    }

    /**
     * How long to wait before delivering a message again after {@code failedAttempts} failed
     * deliveries (1 after the first failure): the delay times the multiplier to the power of
     * {@code failedAttempts - 1}, at most the maximum. Call on resolved settings.
     */
    public long redeliveryDelayAfter(int failedAttempts) {
        long base = redeliveryDelayMillis == null ? 0 : redeliveryDelayMillis;
        if (base == 0 || failedAttempts <= 0) {
            return 0;
        }
        double multiplier = redeliveryMultiplier == null ? 1.0 : redeliveryMultiplier;
        long max = maxRedeliveryDelayMillis != null ? maxRedeliveryDelayMillis : saturatedTimesTen(base);
        double delay = base * Math.pow(multiplier, Math.min(failedAttempts - 1, 1000));
        return delay >= max ? max : (long) delay;
    }

    private static long saturatedTimesTen(long v) {
        return v > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : v * 10;
    }

    /** True if a message delivered {@code attempts} times has used up its attempts. */
    public boolean attemptsExhausted(int attempts) {
        int max = maxDeliveryAttempts == null ? -1 : maxDeliveryAttempts;
        return max > 0 && attempts >= max;
    }

    /** Duplicate ids to remember for the address; 0 turns duplicate detection off. */
    public int duplicateIdCacheSize() {
        return idCacheSize == null ? 0 : idCacheSize;
    }

    /** The expiry queue, or null when expired messages are dropped. */
    public String expiryQueue() {
        return expiryAddress == null || expiryAddress.isEmpty() ? null : expiryAddress;
    }

    private static long parseLong(String key, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' is not a whole number");
        }
    }

    private static double parseDouble(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' is not a number");
        }
    }
}
