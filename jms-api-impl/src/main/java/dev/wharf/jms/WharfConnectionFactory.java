package dev.wharf.jms;

import dev.wharf.jms.internal.Transport;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Wharf connection factory: {@code new WharfConnectionFactory("wharf://host:61700")}.
 *
 * <p>URL: {@code wharf://host[:port][,host[:port]...][?prefetch=N&clientID=x&user=u&password=p&connectTimeout=ms&requestTimeout=ms&largeMessageThreshold=bytes]}.
 * With several addresses (a live broker and its shared-store backup) a new connection goes to
 * the first that accepts it.
 *
 * <p>Failover: with {@code reconnectAttempts} other than 0 (-1: no limit), a connection whose
 * broker goes away reconnects to whichever address accepts it (one attempt tries every address
 * in order), {@code reconnectInterval} ms apart at first, each pause {@code reconnectBackoff}
 * times the last, at most {@code reconnectMaxInterval} ms, and gives up after
 * {@code reconnectTimeout} ms. It then re-creates its sessions, producers, consumers and
 * temporary destinations and carries on: a send the broker had not confirmed is sent again with
 * a duplicate id (so the new broker drops a copy it already has), a transaction open at the
 * failover fails its commit with {@code TransactionRolledBackException}, and messages delivered
 * but not acknowledged come back with {@code JMSRedelivered}. Only if reconnecting finally fails
 * does the connection close and its ExceptionListener hear of it. Without reconnectAttempts, a
 * lost connection closes at once.
 * The same settings are bean properties; a setter overrides the URL. A client id set here is
 * "administratively configured": connections then refuse {@code setClientID}.
 *
 * <p>Thread-safe for creating connections; configure it before sharing it.
 */
public class WharfConnectionFactory implements ConnectionFactory, QueueConnectionFactory, TopicConnectionFactory, Serializable {

    private static final long serialVersionUID = 1L;

    /** The URL used by the no-argument constructor. */
    public static final String DEFAULT_URL = "wharf://localhost:61700";

    private String url;
    private String host;
    private int port;
    /** The brokers to try, in order: the first one, then (after a takeover) its backups. */
    private List<Address> addresses;
    private String clientID;
    private String user;
    private String password;
    private int prefetch = 500;
    private int connectTimeout = 10_000;
    private int requestTimeout = 30_000;
    private int reconnectAttempts;
    private long reconnectInterval = 500;
    private double reconnectBackoff = 2.0;
    private long reconnectMaxInterval = 5_000;
    private long reconnectTimeout = 60_000;
    private int heartbeatInterval = 10_000;
    private boolean blockOnAcknowledge = true;
    /** -1: three heartbeat intervals. */
    private int connectionTtl = -1;
    private int largeMessageThreshold = DEFAULT_LARGE_MESSAGE_THRESHOLD;

    /** The default {@link #setLargeMessageThreshold large message threshold}: 100 KiB. */
    public static final int DEFAULT_LARGE_MESSAGE_THRESHOLD = 100 * 1024;

    public WharfConnectionFactory() {
        this(DEFAULT_URL);
    }

    /**
     * @throws IllegalArgumentException if the URL is not of the form {@code wharf://host:port}
     */
    public WharfConnectionFactory(String url) {
        setUrl(url);
    }

    /** Re-reads every setting from a URL. */
    public final void setUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url: null or empty (expected: wharf://host:port, e.g. " + DEFAULT_URL + ")");
        }
        String u = url.trim();
        if (!u.startsWith("wharf://")) {
            throw new IllegalArgumentException("invalid Wharf URL '" + url + "' (expected: wharf://host:port, e.g. " + DEFAULT_URL + ")");
        }
        String rest = u.substring("wharf://".length());
        int q = rest.indexOf('?');
        String authority = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? null : rest.substring(q + 1);
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        List<Address> parsed = new ArrayList<>();
        for (String part : authority.split(",", -1)) {
            parsed.add(address(url, part.trim()));
        }
        this.url = u;
        this.addresses = List.copyOf(parsed);
        this.host = parsed.get(0).host();
        this.port = parsed.get(0).port();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                applyOption(url, key, value);
            }
        }
    }

    /** One {@code host[:port]} of a URL ({@code [v6-address]:port} for IPv6). */
    private static Address address(String url, String part) {
        URI uri;
        try {
            uri = new URI("wharf://" + part);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid address '" + part + "' in Wharf URL '" + url + "': " + e.getMessage()
                    + " (expected: wharf://host:port[,host:port...])", e);
        }
        if (part.isEmpty() || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            throw new IllegalArgumentException("invalid address '" + part + "' in Wharf URL '" + url
                    + "' (expected: wharf://host:port[,host:port...], e.g. " + DEFAULT_URL + ")");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Address(host, uri.getPort() == -1 ? 61700 : uri.getPort());
    }

    /** A broker address: a live broker, or its backup. */
    record Address(String host, int port) implements Serializable {
        @Override
        public String toString() {
            return "wharf://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private void applyOption(String url, String key, String value) {
        try {
            switch (key) {
                case "prefetch" -> setPrefetch(Integer.parseInt(value));
                case "clientID" -> setClientID(value);
                case "user" -> setUser(value);
                case "password" -> setPassword(value);
                case "connectTimeout" -> setConnectTimeout(Integer.parseInt(value));
                case "requestTimeout" -> setRequestTimeout(Integer.parseInt(value));
                case "reconnectAttempts" -> setReconnectAttempts(Integer.parseInt(value));
                case "reconnectInterval" -> setReconnectInterval(Long.parseLong(value));
                case "reconnectBackoff" -> setReconnectBackoff(Double.parseDouble(value));
                case "reconnectMaxInterval" -> setReconnectMaxInterval(Long.parseLong(value));
                case "reconnectTimeout" -> setReconnectTimeout(Long.parseLong(value));
                case "heartbeatInterval" -> setHeartbeatInterval(Integer.parseInt(value));
                case "connectionTtl" -> setConnectionTtl(Integer.parseInt(value));
                case "blockOnAcknowledge" -> setBlockOnAcknowledge(parseBoolean(key, value));
                case "largeMessageThreshold" -> setLargeMessageThreshold(Integer.parseInt(value));
                default -> throw new IllegalArgumentException("unknown option '" + key + "' in URL '" + url
                        + "' (known: prefetch, clientID, user, password, connectTimeout, requestTimeout, reconnectAttempts,"
                        + " reconnectInterval, reconnectBackoff, reconnectMaxInterval, reconnectTimeout, heartbeatInterval,"
                        + " connectionTtl, blockOnAcknowledge, largeMessageThreshold)");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '" + key + "' in URL '" + url + "' is not a number: '" + value + "'", e);
        }
    }

    public String getUrl() {
        return url;
    }

    public String getClientID() {
        return clientID;
    }

    public void setClientID(String clientID) {
        this.clientID = clientID == null || clientID.isEmpty() ? null : clientID;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public int getPrefetch() {
        return prefetch;
    }

    /** Messages the broker may push to each consumer ahead of receive(); 0 makes every receive pull one. */
    public void setPrefetch(int prefetch) {
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch: " + prefetch + " (expected: >= 0)");
        }
        this.prefetch = prefetch;
    }

    public int getLargeMessageThreshold() {
        return largeMessageThreshold;
    }

    /**
     * The body size in bytes above which a message is a large message: it is sent as a stream of
     * chunks rather than one frame, the broker keeps its body in a file, and a consumer receives it
     * into a temporary file; a BytesMessage being written moves its body to a temporary file once
     * it grows past this size. Default 100 KiB.
     */
    public void setLargeMessageThreshold(int bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("largeMessageThreshold: " + bytes + " (expected: >= 1024 bytes)");
        }
        this.largeMessageThreshold = bytes;
    }

    public int getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(int millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("connectTimeout: " + millis + " (expected: > 0 ms)");
        }
        this.connectTimeout = millis;
    }

    public int getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(int millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("requestTimeout: " + millis + " (expected: > 0 ms)");
        }
        this.requestTimeout = millis;
    }

    public int getReconnectAttempts() {
        return reconnectAttempts;
    }

    /** How many times a connection whose broker went away tries every address again: 0 never (the default), -1 without limit. */
    public void setReconnectAttempts(int attempts) {
        if (attempts < -1) {
            throw new IllegalArgumentException("reconnectAttempts: " + attempts + " (expected: -1 for no limit, 0 for none, or more)");
        }
        this.reconnectAttempts = attempts;
    }

    public long getReconnectInterval() {
        return reconnectInterval;
    }

    /** The pause after the first failed reconnect attempt, in ms. */
    public void setReconnectInterval(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("reconnectInterval: " + millis + " (expected: >= 0 ms)");
        }
        this.reconnectInterval = millis;
    }

    public double getReconnectBackoff() {
        return reconnectBackoff;
    }

    /** How much longer each pause between reconnect attempts is than the last (1.0: always the same). */
    public void setReconnectBackoff(double multiplier) {
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("reconnectBackoff: " + multiplier + " (expected: >= 1.0)");
        }
        this.reconnectBackoff = multiplier;
    }

    public long getReconnectMaxInterval() {
        return reconnectMaxInterval;
    }

    /** The longest pause between reconnect attempts, in ms. */
    public void setReconnectMaxInterval(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("reconnectMaxInterval: " + millis + " (expected: >= 0 ms)");
        }
        this.reconnectMaxInterval = millis;
    }

    public long getReconnectTimeout() {
        return reconnectTimeout;
    }

    /** How long a connection keeps trying to reconnect before it gives up and closes, in ms. */
    public void setReconnectTimeout(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("reconnectTimeout: " + millis + " (expected: > 0 ms)");
        }
        this.reconnectTimeout = millis;
    }

    public int getHeartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * How often, in ms, a connection that has heard nothing from its broker (or said nothing to
     * it) pings it; 0 turns keep-alive off, both ways. Default 10 000.
     */
    public void setHeartbeatInterval(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("heartbeatInterval: " + millis + " (expected: >= 0 ms; 0 turns it off)");
        }
        this.heartbeatInterval = millis;
    }

    /** The connection TTL in ms: set, or three heartbeat intervals. */
    public int getConnectionTtl() {
        return connectionTtl >= 0 ? connectionTtl : (int) Math.min(Integer.MAX_VALUE, 3L * heartbeatInterval);
    }

    /**
     * How long, in ms, a connection may hear nothing from its broker before it takes the broker
     * for dead (a host gone without a TCP reset) and closes, or fails over; the broker likewise
     * closes a connection it hears nothing from for this long, so a dead client's messages go
     * back to their queues. At least twice {@code heartbeatInterval}. Default: three intervals.
     */
    public void setConnectionTtl(int millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("connectionTtl: " + millis + " (expected: > 0 ms)");
        }
        this.connectionTtl = millis;
    }

    private static boolean parseBoolean(String key, String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: true or false)");
        }
        return Boolean.parseBoolean(value);
    }

    public boolean isBlockOnAcknowledge() {
        return blockOnAcknowledge;
    }

    /**
     * Whether a consumer in AUTO_ACKNOWLEDGE mode waits, after each message, until the broker
     * has forced its acknowledgement to disk. Default true: a message whose receive returned
     * never comes back, even after a broker crash, at the price of a round trip and a disk force
     * per message. False (Artemis's default): the acknowledgement is sent and the next message
     * handed over at once, many times faster, and only a crash in the moment before the broker's
     * next force can bring the last acknowledged messages back.
     */
    public void setBlockOnAcknowledge(boolean block) {
        this.blockOnAcknowledge = block;
    }

    @Override
    public Connection createConnection() throws JMSException {
        return createConnection(user, password);
    }

    @Override
    public Connection createConnection(String userName, String pass) throws JMSException {
        return JmsConnection.open(settings(userName, pass));
    }

    /**
     * The settings of a new connection with these credentials.
     *
     * @throws JMSException if the settings contradict each other
     */
    ConnectionSettings settings(String userName, String pass) throws JMSException {
        Transport.Heartbeat heartbeat;
        try {
            heartbeat = heartbeatInterval == 0 ? Transport.Heartbeat.NONE : new Transport.Heartbeat(heartbeatInterval, getConnectionTtl());
        } catch (IllegalArgumentException e) {
            throw new JMSException(e.getMessage() + " in " + this);
        }
        return new ConnectionSettings(addresses, userName, pass, clientID, prefetch, connectTimeout, requestTimeout,
                new Reconnect(reconnectAttempts, reconnectInterval, reconnectBackoff, reconnectMaxInterval, reconnectTimeout),
                heartbeat, blockOnAcknowledge, largeMessageThreshold);
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    String url() {
        return url;
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return (QueueConnection) createConnection();
    }

    @Override
    public QueueConnection createQueueConnection(String userName, String pass) throws JMSException {
        return (QueueConnection) createConnection(userName, pass);
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return (TopicConnection) createConnection();
    }

    @Override
    public TopicConnection createTopicConnection(String userName, String pass) throws JMSException {
        return (TopicConnection) createConnection(userName, pass);
    }

    @Override
    public JMSContext createContext() {
        return createContext(user, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return createContext(user, password, sessionMode);
    }

    @Override
    public JMSContext createContext(String userName, String pass) {
        return createContext(userName, pass, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String pass, int sessionMode) {
        JmsContext.checkSessionMode(sessionMode);
        Connection connection;
        try {
            connection = createConnection(userName, pass);
        } catch (JMSException e) {
            throw JmsContext.toRuntime(e);
        }
        return new JmsContext(connection, sessionMode, true);
    }

    @Override
    public String toString() {
        return "WharfConnectionFactory[" + url + "]";
    }

    /** Everything a connection needs, fixed when it is created. */
    record ConnectionSettings(List<Address> addresses, String user, String password, String clientId,
                              int prefetch, int connectTimeout, int requestTimeout, Reconnect reconnect,
                              Transport.Heartbeat heartbeat, boolean blockOnAcknowledge, int largeMessageThreshold) {
    }

    /** How a connection reconnects after losing its broker; {@link #enabled()} false: it does not. */
    record Reconnect(int attempts, long interval, double backoff, long maxInterval, long timeout) implements Serializable {
        boolean enabled() {
            return attempts != 0;
        }
    }

    static JMSRuntimeException unsupported(String what) {
        return new JMSRuntimeException(what + " is not supported by Wharf yet");
    }
}
