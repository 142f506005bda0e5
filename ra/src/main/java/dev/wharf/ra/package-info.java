/**
 * The Wharf resource adapter (Jakarta Connectors 2.1), packaged as {@code wharf-ra.rar}.
 *
 * <ul>
 *   <li>Inbound: {@link dev.wharf.ra.WharfActivationSpec} configures message-driven beans;
 *       {@link dev.wharf.ra.WharfResourceAdapter} opens one Wharf connection per activation and
 *       {@code maxSession} sessions, each delivering to its own message endpoint, inside an XA
 *       branch when the endpoint's delivery is transacted.</li>
 *   <li>Outbound: {@link dev.wharf.ra.WharfManagedConnectionFactory} gives the application a
 *       pooled {@code jakarta.jms.ConnectionFactory} whose connections take part in the server's
 *       XA (or local) transactions.</li>
 *   <li>Admin objects: {@link dev.wharf.ra.WharfAdminQueue} and {@link dev.wharf.ra.WharfAdminTopic}.</li>
 * </ul>
 *
 * <p>All JMS work goes through the Wharf client's public API; the adapter adds only the
 * container contracts.
 */
package dev.wharf.ra;
