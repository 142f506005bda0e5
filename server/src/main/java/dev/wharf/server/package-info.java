/**
 * The Wharf broker: {@link dev.wharf.server.EmbeddedBroker} to run one inside a JVM,
 * {@link dev.wharf.server.WharfBroker} to run one from the command line, and
 * {@link dev.wharf.server.BrokerConfig} for their settings. Everything else is under
 * {@code internal} and not for users.
 */
package dev.wharf.server;
