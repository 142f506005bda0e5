package dev.wharf.server;

/**
 * What a running broker tells JMX ({@code dev.wharf:type=Broker,name=NAME,port=PORT}): for
 * monitoring a failover pair, its configured role and when it became live; for monitoring its
 * load, its connections, memory and counters. Each queue and durable subscription has its own
 * {@link QueueStatusMXBean}.
 */
public interface BrokerStatusMXBean {

    /** The configured role: {@code live} or {@code backup}. */
    String getRole();

    /** True while it serves clients (a waiting backup is not registered at all). */
    boolean isLive();

    /** When it took the store and started serving (ISO-8601 UTC). */
    String getLiveSince();

    /** When it took over from a live broker (ISO-8601 UTC), or null if it started live. */
    String getLastTakeover();

    int getPort();

    /** The store: file journal or JDBC, and where. */
    String getStore();

    /** Open client connections. */
    int getConnectionCount();

    /** Heap all addresses' messages hold now, as {@code global.max.size} counts it. */
    long getMessageBytes();

    /** {@code global.max.size}; -1: no limit. */
    long getGlobalMaxSize();

    /** Message bodies paged to disk now. */
    long getPagedMessageCount();

    /** Messages moved to a dead-letter queue since the start. */
    long getDeadLetteredCount();

    /** Messages dropped as duplicates since the start. */
    long getDuplicatesDroppedCount();

    /** Messages dropped because their address was full (policy DROP) since the start. */
    long getDroppedWhileFullCount();

    /** Consumers found slow since the start (each slow spell once). */
    long getSlowConsumerCount();
}
