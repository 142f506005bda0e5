package dev.wharf.server.internal.core;

/**
 * The settings the running broker core needs.
 *
 * @param brokerName the name sent in CONNECTED
 * @param brokerVersion the product version sent in CONNECTED
 * @param maxFrameSize the largest frame accepted, sent in CONNECTED
 * @param autoCreateDestinations whether unknown queues and topics are created on first use
 * @param addressSettings redelivery, dead-letter and expiry settings per address
 * @param globalMaxSize message bytes all addresses together may hold before every address is
 *     full; -1: no limit
 * @param authorizer who may do what on which address
 */
public record BrokerSettings(String brokerName, String brokerVersion, int maxFrameSize, boolean autoCreateDestinations,
                             AddressSettingsResolver addressSettings, long globalMaxSize, Authorizer authorizer) {

    /** With the default settings for every address, no global limit, and no permissions checked. */
    public BrokerSettings(String brokerName, String brokerVersion, int maxFrameSize, boolean autoCreateDestinations) {
        this(brokerName, brokerVersion, maxFrameSize, autoCreateDestinations, AddressSettingsResolver.defaults(), -1,
                Authorizer.ALLOW_ALL);
    }
}
