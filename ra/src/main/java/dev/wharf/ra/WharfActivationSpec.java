package dev.wharf.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a message-driven bean is fed: the activation-config properties of an MDB. The names are
 * those of Jakarta Messaging 3.1 (section 13.4), Artemis and OpenMQ: {@code destination} or
 * {@code destinationLookup}, {@code destinationType}, {@code messageSelector},
 * {@code acknowledgeMode}, {@code subscriptionDurability}, {@code subscriptionName},
 * {@code clientId}, {@code shareSubscriptions}, {@code maxSession}; plus {@code url},
 * {@code user}, {@code password} (default: the adapter's) or {@code connectionFactoryLookup}, and
 * {@code reconnectInterval} (ms between attempts to reach a broker that went away).
 *
 * <p>A JavaBean the container fills in on one thread before {@link #validate()}; read-only after
 * activation.
 */
public class WharfActivationSpec implements ActivationSpec, ResourceAdapterAssociation, Serializable {

    private static final long serialVersionUID = 1L;

    static final String QUEUE = "jakarta.jms.Queue";
    static final String TOPIC = "jakarta.jms.Topic";

    private transient ResourceAdapter resourceAdapter;
    private String destination;
    private String destinationLookup;
    private String connectionFactoryLookup;
    private String destinationType;
    private String messageSelector;
    private String acknowledgeMode = "Auto-acknowledge";
    private String subscriptionDurability = "NonDurable";
    private String subscriptionName;
    private String clientId;
    private Boolean shareSubscriptions = Boolean.FALSE;
    private Integer maxSession = 15;
    private String url;
    private String user;
    private String password;
    private Long reconnectInterval = 2000L;

    /**
     * Checks the properties together; the container calls it before activation.
     *
     * @throws InvalidPropertyException naming every property that is wrong and what is expected
     */
    @Override
    public void validate() throws InvalidPropertyException {
        List<String> errors = new ArrayList<>();
        if (ConnectionSettings.firstSet(destination, destinationLookup) == null) {
            errors.add("destination or destinationLookup: neither is set (expected: the queue or topic name, e.g."
                    + " destination=orders, or the JNDI name of a destination, e.g. destinationLookup=jms/orders)");
        }
        if (destinationType != null && !destinationType.isBlank() && normalizedDestinationType() == null) {
            errors.add("destinationType: '" + destinationType + "' (expected: jakarta.jms.Queue or jakarta.jms.Topic)");
        }
        if (ackMode() < 0) {
            errors.add("acknowledgeMode: '" + acknowledgeMode + "' (expected: Auto-acknowledge or Dups-ok-acknowledge)");
        }
        Boolean durable = durable();
        if (durable == null) {
            errors.add("subscriptionDurability: '" + subscriptionDurability + "' (expected: Durable or NonDurable)");
        } else if (durable && ConnectionSettings.firstSet(subscriptionName) == null) {
            errors.add("subscriptionName: not set (expected: a name for the durable subscription, required with"
                    + " subscriptionDurability=Durable)");
        }
        if (Boolean.TRUE.equals(durable) && QUEUE.equals(normalizedDestinationType())) {
            errors.add("subscriptionDurability: Durable on a queue (expected: NonDurable, or destinationType=jakarta.jms.Topic)");
        }
        if (maxSession == null || maxSession < 1) {
            errors.add("maxSession: " + maxSession + " (expected: >= 1)");
        }
        if (Boolean.TRUE.equals(durable) && !isShareSubscriptions() && maxSession != null && maxSession > 1) {
            errors.add("maxSession: " + maxSession + " with an unshared durable subscription (expected: 1, or"
                    + " shareSubscriptions=true so that " + maxSession + " sessions share it)");
        }
        if (isShareSubscriptions() && ConnectionSettings.firstSet(subscriptionName) == null && TOPIC.equals(normalizedDestinationType())) {
            errors.add("subscriptionName: not set (expected: a name for the shared subscription, required with"
                    + " shareSubscriptions=true)");
        }
        if (reconnectInterval == null || reconnectInterval < 1) {
            errors.add("reconnectInterval: " + reconnectInterval + " (expected: >= 1 ms)");
        }
        String u = ConnectionSettings.firstSet(url);
        if (u != null && !u.trim().startsWith("wharf://")) {
            errors.add("url: '" + u + "' (expected: wharf://host:port, e.g. wharf://localhost:61700)");
        }
        if (!errors.isEmpty()) {
            throw new InvalidPropertyException("Wharf activation of " + describe() + " is misconfigured: "
                    + String.join("; ", errors));
        }
    }

    private String describe() {
        return ConnectionSettings.firstSet(destination, destinationLookup) == null ? "(no destination)"
                : ConnectionSettings.firstSet(destination, destinationLookup);
    }

    /**
     * {@link #QUEUE}, {@link #TOPIC}, or null if unset or unknown. Accepts javax names and short
     * forms. Unset means a queue for {@code destination} (as in Artemis and OpenMQ) and whatever
     * {@code destinationLookup} finds.
     */
    String normalizedDestinationType() {
        if (destinationType == null) {
            return null;
        }
        return switch (destinationType.trim()) {
            case QUEUE, "javax.jms.Queue", "Queue", "queue" -> QUEUE;
            case TOPIC, "javax.jms.Topic", "Topic", "topic" -> TOPIC;
            default -> null;
        };
    }

    /** The session mode for non-transacted delivery, or -1 if {@code acknowledgeMode} is unknown. */
    int ackMode() {
        String m = acknowledgeMode == null ? "auto-acknowledge" : acknowledgeMode.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (m) {
            case "auto-acknowledge" -> jakarta.jms.Session.AUTO_ACKNOWLEDGE;
            case "dups-ok-acknowledge" -> jakarta.jms.Session.DUPS_OK_ACKNOWLEDGE;
            default -> -1;
        };
    }

    /** True for Durable, false for NonDurable, null if unknown. */
    Boolean durable() {
        String d = subscriptionDurability == null ? "nondurable" : subscriptionDurability.trim().toLowerCase(Locale.ROOT).replace("-", "");
        return switch (d) {
            case "durable" -> Boolean.TRUE;
            case "nondurable" -> Boolean.FALSE;
            default -> null;
        };
    }

    /**
     * The destination to consume from: looked up if {@code destinationLookup} is set, else the
     * Wharf queue or topic named {@code destination}. Called by the adapter in endpointActivation,
     * on the container's thread (where JNDI works).
     *
     * @throws ResourceException if the lookup fails or finds no queue or topic of the right type
     */
    jakarta.jms.Destination lookUpDestination() throws ResourceException {
        String type = normalizedDestinationType();
        if (ConnectionSettings.firstSet(destinationLookup) != null) {
            Object found = lookUp(destinationLookup, "destinationLookup");
            if (found instanceof jakarta.jms.Queue q && !TOPIC.equals(type)) {
                return q;
            }
            if (found instanceof jakarta.jms.Topic t && !QUEUE.equals(type)) {
                return t;
            }
            throw new InvalidPropertyException("destinationLookup: '" + destinationLookup + "' is " + found
                    + (type == null ? "" : " (expected: a " + type + ")"));
        }
        return TOPIC.equals(type) ? new dev.wharf.jms.JmsTopic(destination.trim()) : new dev.wharf.jms.JmsQueue(destination.trim());
    }

    /**
     * The URL and credentials of the connection factory {@code connectionFactoryLookup} names, or
     * null if it is not set. A Wharf pooled factory of this adapter or a plain
     * {@link dev.wharf.jms.WharfConnectionFactory} is accepted.
     */
    ConnectionSettings lookUpConnectionFactorySettings() throws ResourceException {
        if (ConnectionSettings.firstSet(connectionFactoryLookup) == null) {
            return null;
        }
        Object found = lookUp(connectionFactoryLookup, "connectionFactoryLookup");
        if (found instanceof WharfPooledConnectionFactory p) {
            return p.managedConnectionFactory().settings();
        }
        if (found instanceof dev.wharf.jms.WharfConnectionFactory f) {
            return new ConnectionSettings(f.getUrl(), f.getUser(), f.getPassword());
        }
        throw new InvalidPropertyException("connectionFactoryLookup: '" + connectionFactoryLookup + "' is " + found
                + " (expected: a connection factory of the Wharf resource adapter, or a dev.wharf.jms.WharfConnectionFactory)");
    }

    private static Object lookUp(String name, String property) throws ResourceException {
        try {
            javax.naming.InitialContext ctx = new javax.naming.InitialContext();
            try {
                return ctx.lookup(name.trim());
            } finally {
                ctx.close();
            }
        } catch (javax.naming.NamingException e) {
            throw new InvalidPropertyException(property + ": '" + name + "' cannot be looked up: " + e.getMessage(), e);
        }
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        this.resourceAdapter = ra;
    }

    public String getDestination() {
        return destination;
    }

    public void setDestination(String destination) {
        this.destination = destination;
    }

    public String getDestinationLookup() {
        return destinationLookup;
    }

    public void setDestinationLookup(String destinationLookup) {
        this.destinationLookup = destinationLookup;
    }

    public String getConnectionFactoryLookup() {
        return connectionFactoryLookup;
    }

    public void setConnectionFactoryLookup(String connectionFactoryLookup) {
        this.connectionFactoryLookup = connectionFactoryLookup;
    }

    public String getDestinationType() {
        return destinationType;
    }

    public void setDestinationType(String destinationType) {
        this.destinationType = destinationType;
    }

    public String getMessageSelector() {
        return messageSelector;
    }

    public void setMessageSelector(String messageSelector) {
        this.messageSelector = messageSelector;
    }

    public String getAcknowledgeMode() {
        return acknowledgeMode;
    }

    public void setAcknowledgeMode(String acknowledgeMode) {
        this.acknowledgeMode = acknowledgeMode;
    }

    public String getSubscriptionDurability() {
        return subscriptionDurability;
    }

    public void setSubscriptionDurability(String subscriptionDurability) {
        this.subscriptionDurability = subscriptionDurability;
    }

    public String getSubscriptionName() {
        return subscriptionName;
    }

    public void setSubscriptionName(String subscriptionName) {
        this.subscriptionName = subscriptionName;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public Boolean getShareSubscriptions() {
        return shareSubscriptions;
    }

    public void setShareSubscriptions(Boolean shareSubscriptions) {
        this.shareSubscriptions = shareSubscriptions;
    }

    boolean isShareSubscriptions() {
        return Boolean.TRUE.equals(shareSubscriptions);
    }

    public Integer getMaxSession() {
        return maxSession;
    }

    public void setMaxSession(Integer maxSession) {
        this.maxSession = maxSession;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    /** OpenMQ's name for {@link #setUser(String)}. */
    public void setUserName(String userName) {
        this.user = userName;
    }

    public String getUserName() {
        return user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Long getReconnectInterval() {
        return reconnectInterval;
    }

    public void setReconnectInterval(Long reconnectInterval) {
        this.reconnectInterval = reconnectInterval;
    }

    @Override
    public String toString() {
        return "WharfActivationSpec[" + describe() + ", type=" + destinationType + ", maxSession=" + maxSession
                + (subscriptionName == null ? "" : ", subscription=" + subscriptionName) + "]";
    }
}
