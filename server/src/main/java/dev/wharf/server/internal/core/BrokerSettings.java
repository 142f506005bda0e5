package dev.wharf.server.internal.core;

/**
 * The settings the running broker core needs.
 *
 * @param brokerName the name sent in CONNECTED
 * @param brokerVersion the product version sent in CONNECTED
 * @param maxFrameSize the largest frame accepted, sent in CONNECTED
 * @param autoCreateDestinations whether unknown queues and topics are created on first use
 */
public record BrokerSettings(String brokerName, String brokerVersion, int maxFrameSize, boolean autoCreateDestinations) {
}
