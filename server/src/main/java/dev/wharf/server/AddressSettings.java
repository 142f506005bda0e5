package dev.wharf.server;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the broker does with the messages of one address (a queue's name, or a topic's for its
 * subscriptions): redelivery, dead letters, expiry, duplicate detection and memory limits. Every
 * field may be unset (null); unset fields take the value of a less specific matching pattern,
 * and finally the default. Build one from {@link #UNSET} with the {@code withXxx} methods.
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
 * max-size-bytes                     -1             message bytes the address may hold before it is
 *                                                   full; -1: no limit of its own (the broker's
 *                                                   global.max.size still makes it full)
 * address-full-policy                PAGE           what a full address does (over its own limit or
 *                                                   the global one): PAGE: new messages' bodies go to page files
 *                                                   on disk until delivered, and producers wait once
 *                                                   all addresses hold twice global.max.size (paging
 *                                                   full: the headers stay in memory); BLOCK: producers wait;
 *                                                   FAIL: sends fail with ResourceAllocationException;
 *                                                   DROP: new messages are dropped (and counted)
 * block-timeout-ms                   20000          how long the broker holds a send to a blocked
 *                                                   address before failing it
 * slow-consumer-threshold-ms         -1             a consumer that holds a message this long
 *                                                   without acknowledging it is slow; -1: never
 * slow-consumer-policy               LOG            LOG: warn (and count) once per slow spell;
 *                                                   KILL: close the consumer's connection, so its
 *                                                   messages go to the other consumers
 * </pre>
 *
 * @param maxDeliveryAttempts null: unset
 * @param redeliveryDelayMillis null: unset
 * @param redeliveryMultiplier null: unset
 * @param maxRedeliveryDelayMillis null: unset
 * @param deadLetterAddress null: unset
 * @param expiryAddress null: unset; the empty string: none (expired messages are dropped)
 * @param idCacheSize null: unset
 * @param maxSizeBytes null: unset
 * @param fullPolicy null: unset
 * @param blockTimeoutMillis null: unset
 * @param slowConsumerThresholdMillis null: unset
 * @param slowConsumerPolicy null: unset
 */
public record AddressSettings(Integer maxDeliveryAttempts, Long redeliveryDelayMillis, Double redeliveryMultiplier,
                              Long maxRedeliveryDelayMillis, String deadLetterAddress, String expiryAddress,
                              Integer idCacheSize, Long maxSizeBytes, FullPolicy fullPolicy, Long blockTimeoutMillis,
                              Long slowConsumerThresholdMillis, SlowConsumerPolicy slowConsumerPolicy) {

    /** What happens to a send to an address over its {@code max-size-bytes}. */
    public enum FullPolicy {
        /**
         * New messages keep only their headers in memory; their bodies go to page files until
         * delivered. Once all addresses together hold twice {@code global.max.size} (the headers
         * of paged messages filled another one), sends are held as under {@link #BLOCK}.
         */
        PAGE,
        /** The producer waits until consumers make room (up to the block timeout). */
        BLOCK,
        /** The send fails with ResourceAllocationException. */
        FAIL,
        /** The message is dropped, counted, and the send confirmed. */
        DROP
    }

    /** What happens to a slow consumer. */
    public enum SlowConsumerPolicy {
        /** Log a warning and count it. */
        LOG,
        /** Close its connection; its unacknowledged messages go back to their queues. */
        KILL
    }

    /** Nothing set. */
    public static final AddressSettings UNSET = new AddressSettings(null, null, null, null, null, null, null, null, null, null,
            null, null);

    /** The defaults every address starts from. */
    public static final AddressSettings DEFAULTS = new AddressSettings(10, 0L, 1.0, null, "DLQ", "", 2000, -1L,
            FullPolicy.PAGE, 20_000L, -1L, SlowConsumerPolicy.LOG);

    /** The config keys, after {@code address.<pattern>.}. */
    public static final List<String> KEYS = List.of("max-delivery-attempts", "redelivery-delay-ms",
            "redelivery-multiplier", "max-redelivery-delay-ms", "dead-letter-address", "expiry-address", "id-cache-size",
            "max-size-bytes", "address-full-policy", "block-timeout-ms", "slow-consumer-threshold-ms", "slow-consumer-policy");

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
        if (maxSizeBytes != null && (maxSizeBytes == 0 || maxSizeBytes < -1)) {
            throw new ConfigException("max-size-bytes: " + maxSizeBytes + " (expected: -1 for no limit, or >= 1)");
        }
        if (blockTimeoutMillis != null && blockTimeoutMillis < 1) {
            throw new ConfigException("block-timeout-ms: " + blockTimeoutMillis + " (expected: >= 1)");
        }
        if (slowConsumerThresholdMillis != null && (slowConsumerThresholdMillis == 0 || slowConsumerThresholdMillis < -1)) {
            throw new ConfigException("slow-consumer-threshold-ms: " + slowConsumerThresholdMillis
                    + " (expected: -1 for never, or >= 1)");
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
                pick(over.idCacheSize, idCacheSize),
                pick(over.maxSizeBytes, maxSizeBytes),
                pick(over.fullPolicy, fullPolicy),
                pick(over.blockTimeoutMillis, blockTimeoutMillis),
                pick(over.slowConsumerThresholdMillis, slowConsumerThresholdMillis),
                pick(over.slowConsumerPolicy, slowConsumerPolicy));
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    /** A copy with one config key set from its text value. */
    public AddressSettings with(String key, String value) {
        Objects.requireNonNull(value, "value");
        String v = value.trim();
        AddressSettings one = switch (key) {
            case "max-delivery-attempts" -> UNSET.withMaxDeliveryAttempts(BrokerConfig.parseInt(key, v));
            case "redelivery-delay-ms" -> UNSET.withRedeliveryDelayMillis(parseLong(key, v));
            case "redelivery-multiplier" -> UNSET.withRedeliveryMultiplier(parseDouble(key, v));
            case "max-redelivery-delay-ms" -> UNSET.withMaxRedeliveryDelayMillis(parseLong(key, v));
            case "dead-letter-address" -> UNSET.withDeadLetterAddress(v);
            case "expiry-address" -> UNSET.withExpiryAddress(v);
            case "id-cache-size" -> UNSET.withIdCacheSize(BrokerConfig.parseInt(key, v));
            case "max-size-bytes" -> UNSET.withMaxSizeBytes(parseLong(key, v));
            case "address-full-policy" -> UNSET.withFullPolicy(parseEnum(key, v, FullPolicy.class));
            case "block-timeout-ms" -> UNSET.withBlockTimeoutMillis(parseLong(key, v));
            case "slow-consumer-threshold-ms" -> UNSET.withSlowConsumerThresholdMillis(parseLong(key, v));
            case "slow-consumer-policy" -> UNSET.withSlowConsumerPolicy(parseEnum(key, v, SlowConsumerPolicy.class));
            default -> throw new ConfigException("unknown address setting '" + key + "' (expected one of: "
                    + String.join(", ", KEYS) + ")");
        };
        return overriddenBy(one);
    }

    public AddressSettings withMaxDeliveryAttempts(int v) {
        return new AddressSettings(v, redeliveryDelayMillis, redeliveryMultiplier, maxRedeliveryDelayMillis,
                deadLetterAddress, expiryAddress, idCacheSize, maxSizeBytes, fullPolicy, blockTimeoutMillis,
                slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    public AddressSettings withRedeliveryDelayMillis(long v) {
        return new AddressSettings(maxDeliveryAttempts, v, redeliveryMultiplier, maxRedeliveryDelayMillis,
                deadLetterAddress, expiryAddress, idCacheSize, maxSizeBytes, fullPolicy, blockTimeoutMillis,
                slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    public AddressSettings withRedeliveryMultiplier(double v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, v, maxRedeliveryDelayMillis,
                deadLetterAddress, expiryAddress, idCacheSize, maxSizeBytes, fullPolicy, blockTimeoutMillis,
                slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    public AddressSettings withMaxRedeliveryDelayMillis(long v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, redeliveryMultiplier, v,
                deadLetterAddress, expiryAddress, idCacheSize, maxSizeBytes, fullPolicy, blockTimeoutMillis,
                slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    public AddressSettings withDeadLetterAddress(String v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, redeliveryMultiplier,
                maxRedeliveryDelayMillis, v, expiryAddress, idCacheSize, maxSizeBytes, fullPolicy,
                blockTimeoutMillis, slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    /** @param v the expiry queue, or "" for none (expired messages are dropped) */
    public AddressSettings withExpiryAddress(String v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, redeliveryMultiplier,
                maxRedeliveryDelayMillis, deadLetterAddress, v, idCacheSize, maxSizeBytes, fullPolicy,
                blockTimeoutMillis, slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    public AddressSettings withIdCacheSize(int v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, redeliveryMultiplier,
                maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress, v, maxSizeBytes, fullPolicy,
                blockTimeoutMillis, slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    public AddressSettings withMaxSizeBytes(long v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, redeliveryMultiplier,
                maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress, idCacheSize, v, fullPolicy,
                blockTimeoutMillis, slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    public AddressSettings withFullPolicy(FullPolicy v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, redeliveryMultiplier,
                maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress, idCacheSize, maxSizeBytes, v,
                blockTimeoutMillis, slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    public AddressSettings withBlockTimeoutMillis(long v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, redeliveryMultiplier,
                maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress, idCacheSize, maxSizeBytes, fullPolicy, v,
                slowConsumerThresholdMillis, slowConsumerPolicy);
    }

    public AddressSettings withSlowConsumerThresholdMillis(long v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, redeliveryMultiplier,
                maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress, idCacheSize, maxSizeBytes, fullPolicy,
                blockTimeoutMillis, v, slowConsumerPolicy);
    }

    public AddressSettings withSlowConsumerPolicy(SlowConsumerPolicy v) {
        return new AddressSettings(maxDeliveryAttempts, redeliveryDelayMillis, redeliveryMultiplier,
                maxRedeliveryDelayMillis, deadLetterAddress, expiryAddress, idCacheSize, maxSizeBytes, fullPolicy,
                blockTimeoutMillis, slowConsumerThresholdMillis, v);
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

    /** The slow-consumer threshold in milliseconds, or -1 for none. */
    public long slowConsumerThreshold() {
        return slowConsumerThresholdMillis == null ? -1 : slowConsumerThresholdMillis;
    }

    /** The memory limit in bytes, or -1 for none. */
    public long memoryLimit() {
        return maxSizeBytes == null ? -1 : maxSizeBytes;
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

    private static <E extends Enum<E>> E parseEnum(String key, String v, Class<E> type) {
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": '" + v + "' (expected one of: "
                    + java.util.Arrays.toString(type.getEnumConstants()) + ")");
        }
    }
}
