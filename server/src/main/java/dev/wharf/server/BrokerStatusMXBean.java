package dev.wharf.server;

/**
 * What a running broker tells JMX ({@code dev.wharf:type=Broker,name=NAME,port=PORT}), for
 * monitoring a failover pair: its configured role, and when it became live.
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
}
