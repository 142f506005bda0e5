package dev.wharf.server;

import dev.wharf.protocol.ProtocolVersion;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Everything a broker is started with. Immutable; build one with {@link EmbeddedBroker#builder()},
 * or read a {@code .properties} file with {@link #load(Path)}:
 *
 * <pre>
 * key                       default     meaning
 * port                      61700       TCP port (0: any free port)
 * host                      0.0.0.0     interface to listen on
 * data.dir                  ./data      data directory; the file journal is in data.dir/journal
 * users.file                (none)      users file (user = pbkdf2 hash); none: no authentication
 * roles.file                (none)      roles file (role = user, user); see SecuritySettings
 * jdbc.url                  (none)      use the JDBC store at this URL instead of the file journal
 * jdbc.user, jdbc.password  sa, ""      credentials for jdbc.url
 * auto.create.destinations  true        create unknown queues and topics on first use
 * max.frame.size            104857600   largest frame (message) accepted, in bytes
 * queues                    (none)      comma-separated queues to declare at start
 * topics                    (none)      comma-separated topics to declare at start
 * broker.name               wharf       the name clients see
 * jdbc.lease.ttl.ms         30000       how long the JDBC store's lease outlives its holder's last
 *                                       renewal; a broker that loses it stops serving at once
 * ha.role                   live        live: refuse a store another broker holds; backup (or
 *                                       auto): wait for its lock, then take over (shared store)
 * ha.failback               false       true (on both brokers of a pair): a live broker that finds
 *                                       its backup serving asks for the store back and waits; the
 *                                       backup hands it over on a clean shutdown and waits again
 * global.max.size           a quarter   message bytes all addresses together may hold before every
 *                           of the heap address is full (its address-full-policy applies, as with its
 *                                       own max-size-bytes); -1: no limit
 * address.PATTERN.SETTING   see below   redelivery, dead-letter and expiry settings per address
 * security.PATTERN.PERM     (none)      roles allowed PERM (send, consume, browse, createDurableQueue,
 *                                       deleteDurableQueue) on matching addresses; see SecuritySettings
 * </pre>
 * {@code PATTERN} is an address (queue or topic name) or a wildcard pattern ({@code #}: any
 * number of words, {@code *}: one word; see {@code AddressSettingsResolver}), and {@code SETTING}
 * one of {@link AddressSettings#KEYS}, for example {@code address.orders.#.max-delivery-attempts=3}.
 * Relative paths in a file are resolved against the file's directory.
 */
public record BrokerConfig(Path dataDirectory, String host, int port, Path usersFile, String jdbcUrl, String jdbcUser,
                           String jdbcPassword, boolean autoCreateDestinations, int maxFrameSize, List<String> queues,
                           List<String> topics, String brokerName, Map<String, AddressSettings> addressSettings,
                           Role role, long jdbcLeaseTtlMillis, boolean failback, long globalMaxSize,
                           SecuritySettings security) {

    /** What a broker does when another broker holds its store (a shared-store failover pair). */
    public enum Role {
        /** Refuse to start: the store is locked. */
        LIVE,
        /** Wait for the lock, then recover the store and serve: the backup of a live broker. */
        BACKUP;

        static Role parse(String key, String v) {
            return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "live" -> LIVE;
                case "backup", "auto" -> BACKUP;
                default -> throw new ConfigException(key + ": '" + v + "' (expected: live, backup or auto)");
            };
        }
    }

    private static final Set<String> KEYS = Set.of("port", "host", "data.dir", "users.file", "jdbc.url", "jdbc.user",
            "jdbc.password", "auto.create.destinations", "max.frame.size", "queues", "topics", "broker.name", "ha.role",
            "jdbc.lease.ttl.ms", "ha.failback", "global.max.size", "roles.file");

    private static final String ADDRESS_PREFIX = "address.";
    private static final String SECURITY_PREFIX = "security.";

    /** The smallest frame limit accepted. */
    public static final int MIN_FRAME_SIZE = 1024;

    public BrokerConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(brokerName, "brokerName");
        if (port < 0 || port > 65535) {
            throw new ConfigException("port: " + port + " (expected: 0..65535)");
        }
        if (maxFrameSize < MIN_FRAME_SIZE) {
            throw new ConfigException("max.frame.size: " + maxFrameSize + " (expected: >= " + MIN_FRAME_SIZE + ")");
        }
        queues = List.copyOf(queues);
        topics = List.copyOf(topics);
        Objects.requireNonNull(addressSettings, "addressSettings");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(security, "security");
        if (globalMaxSize == 0 || globalMaxSize < -1) {
            throw new ConfigException("global.max.size: " + globalMaxSize + " (expected: -1 for no limit, or >= 1)");
        }
        if (jdbcLeaseTtlMillis < 300) {
            throw new ConfigException("jdbc.lease.ttl.ms: " + jdbcLeaseTtlMillis + " (expected: >= 300)");
        }
        new dev.wharf.server.internal.core.AddressSettingsResolver(addressSettings); // checks the patterns
        addressSettings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(addressSettings));
    }

    /** The defaults: ./data, all interfaces, port 61700, no authentication, file journal. */
    public static BrokerConfig defaults() {
        return new BrokerConfig(Path.of("data"), "0.0.0.0", ProtocolVersion.DEFAULT_PORT, null, null, null, null, true,
                ProtocolVersion.DEFAULT_MAX_FRAME_SIZE, List.of(), List.of(), "wharf", Map.of(), Role.LIVE, 30_000, false,
                defaultGlobalMaxSize(), SecuritySettings.NONE);
    }

    /**
     * The default {@code global.max.size}: a quarter of the heap the JVM may grow to. A message
     * in memory takes about 1.4 times its bytes (1 KiB bodies), and one whose body is paged still
     * keeps its headers in memory (about 400 bytes), so paging must start well before the heap
     * is half full.
     */
    public static long defaultGlobalMaxSize() {
        return Math.max(1, Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * Reads a properties file over {@code base}.
     *
     * @throws ConfigException if the file cannot be read or a value is wrong
     */
    public static BrokerConfig load(Path file, BrokerConfig base) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e);
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            return fromProperties(p, base, dir);
        } catch (ConfigException e) {
            throw new ConfigException("config file " + file + ": " + e.getMessage());
        }
    }

    /** Applies {@code p} over {@code base}; relative paths resolve against {@code dir}. */
    public static BrokerConfig fromProperties(Properties p, BrokerConfig base, Path dir) {
        Map<String, AddressSettings> perAddress = new java.util.LinkedHashMap<>(base.addressSettings());
        SecuritySettings security = base.security();
        for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
            if (key.startsWith(ADDRESS_PREFIX)) {
                String rest = key.substring(ADDRESS_PREFIX.length());
                String setting = AddressSettings.KEYS.stream().filter(k -> rest.endsWith("." + k)).findFirst()
                        .orElseThrow(() -> new ConfigException("'" + key + "': expected address.PATTERN.SETTING with SETTING one of: "
                                + String.join(", ", AddressSettings.KEYS)));
                String pattern = rest.substring(0, rest.length() - setting.length() - 1);
                String v = value(p, key);
                try {
                    perAddress.put(pattern, perAddress.getOrDefault(pattern, AddressSettings.UNSET).with(setting, v));
                } catch (ConfigException e) {
                    throw new ConfigException(key + ": " + e.getMessage());
                }
                continue;
            }
            if (key.startsWith(SECURITY_PREFIX)) {
                try {
                    security = security.withEntry(key.substring(SECURITY_PREFIX.length()), value(p, key));
                } catch (ConfigException e) {
                    throw new ConfigException(key + ": " + e.getMessage());
                }
                continue;
            }
            if (!KEYS.contains(key)) {
                throw new ConfigException("unknown key '" + key + "' (expected one of: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
        BrokerConfig c = base.withAddressSettings(perAddress);
        if (value(p, "roles.file") != null) {
            security = security.withRolesFile(dir.resolve(value(p, "roles.file")));
        }
        c = c.withSecurity(security);
        String v;
        if ((v = value(p, "port")) != null) {
            c = c.withPort(parseInt("port", v));
        }
        if ((v = value(p, "host")) != null) {
            c = c.withHost(v);
        }
        if ((v = value(p, "data.dir")) != null) {
            c = c.withDataDirectory(dir.resolve(v));
        }
        if ((v = value(p, "users.file")) != null) {
            c = c.withUsersFile(dir.resolve(v));
        }
        if ((v = value(p, "jdbc.url")) != null) {
            c = c.withJdbc(v, value(p, "jdbc.user"), p.getProperty("jdbc.password"));
        }
        if ((v = value(p, "auto.create.destinations")) != null) {
            c = c.withAutoCreateDestinations(parseBoolean("auto.create.destinations", v));
        }
        if ((v = value(p, "max.frame.size")) != null) {
            c = c.withMaxFrameSize(parseInt("max.frame.size", v));
        }
        if ((v = value(p, "queues")) != null) {
            c = c.withQueues(parseList(v));
        }
        if ((v = value(p, "topics")) != null) {
            c = c.withTopics(parseList(v));
        }
        if ((v = value(p, "broker.name")) != null) {
            c = c.withBrokerName(v);
        }
        if ((v = value(p, "jdbc.lease.ttl.ms")) != null) {
            c = c.withJdbcLeaseTtlMillis(parseInt("jdbc.lease.ttl.ms", v));
        }
        if ((v = value(p, "ha.role")) != null) {
            c = c.withRole(Role.parse("ha.role", v));
        }
        if ((v = value(p, "ha.failback")) != null) {
            c = c.withFailback(parseBoolean("ha.failback", v));
        }
        if ((v = value(p, "global.max.size")) != null) {
            c = c.withGlobalMaxSize(parseLong("global.max.size", v));
        }
        return c;
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            return null;
        }
        v = v.trim();
        if (v.isEmpty()) {
            throw new ConfigException(key + ": empty value (remove the line or give a value)");
        }
        return v;
    }

    static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' is not a number");
        }
    }

    static long parseLong(String key, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' is not a number");
        }
    }

    static boolean parseBoolean(String key, String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigException(key + ": '" + v + "' (expected: true or false)");
    }

    static List<String> parseList(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    public BrokerConfig withFailback(boolean newFailback) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis,
                newFailback, globalMaxSize, security);
    }

    public BrokerConfig withPort(int newPort) {
        return new BrokerConfig(dataDirectory, host, newPort, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withHost(String newHost) {
        return new BrokerConfig(dataDirectory, newHost, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withDataDirectory(Path dir) {
        return new BrokerConfig(dir, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withUsersFile(Path file) {
        return new BrokerConfig(dataDirectory, host, port, file, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withJdbc(String url, String user, String password) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, url, user, password,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withAutoCreateDestinations(boolean auto) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                auto, maxFrameSize, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withMaxFrameSize(int size) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, size, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withQueues(List<String> names) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, names, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withTopics(List<String> names) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, names, brokerName, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withBrokerName(String name) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, name, addressSettings, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    /** @param byPattern settings by address pattern, replacing the current ones */
    public BrokerConfig withAddressSettings(Map<String, AddressSettings> byPattern) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, byPattern, role, jdbcLeaseTtlMillis, failback, globalMaxSize, security);
    }

    public BrokerConfig withRole(Role newRole) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, newRole, jdbcLeaseTtlMillis,
                failback, globalMaxSize, security);
    }

    public BrokerConfig withJdbcLeaseTtlMillis(long millis) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, role, millis, failback, globalMaxSize, security);
    }

    /** @param bytes message bytes all addresses together may hold before every address is full; -1: no limit */
    public BrokerConfig withGlobalMaxSize(long bytes) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis,
                failback, bytes, security);
    }

    public BrokerConfig withSecurity(SecuritySettings newSecurity) {
        return new BrokerConfig(dataDirectory, host, port, usersFile, jdbcUrl, jdbcUser, jdbcPassword,
                autoCreateDestinations, maxFrameSize, queues, topics, brokerName, addressSettings, role, jdbcLeaseTtlMillis,
                failback, globalMaxSize, newSecurity);
    }

    /** "file journal" or "jdbc &lt;url&gt;", for the start line. */
    public String storeDescription() {
        return jdbcUrl == null ? "file journal" : "jdbc " + jdbcUrl;
    }
}
