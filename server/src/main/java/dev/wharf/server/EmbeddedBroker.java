package dev.wharf.server;

import dev.wharf.journal.Journal;
import dev.wharf.server.internal.core.Broker;
import dev.wharf.server.internal.core.BrokerConnection;
import dev.wharf.server.internal.core.AddressSettingsResolver;
import dev.wharf.server.internal.core.BrokerSettings;
import dev.wharf.server.internal.store.LargeMessageStore;
import dev.wharf.server.internal.store.PageStore;
import dev.wharf.server.internal.core.BrokerThread;
import dev.wharf.server.internal.net.Acceptor;
import dev.wharf.server.internal.security.UserStore;
import dev.wharf.server.internal.security.UsersFileWatcher;
import dev.wharf.server.internal.store.JournalFactory;
import dev.wharf.server.internal.store.JournalStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Wharf broker inside the current JVM: tests, samples and the {@link WharfBroker} launcher
 * start brokers through it.
 *
 * <pre>
 * EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(dir).host("localhost").port(0).build();
 * broker.start();            // blocks until it accepts connections
 * String url = broker.url(); // wharf://localhost:&lt;port&gt;
 * broker.close();
 * </pre>
 *
 * <p>Thread-safe: {@link #start()} and {@link #close()} are synchronized; {@link #close()} is
 * idempotent and may be called from a shutdown hook.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The broker's product version, as sent to clients. */
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private enum State { NEW, STARTED, CLOSED }

    private final BrokerConfig config;
    private final Journal customJournal;
    private State state = State.NEW;
    private JournalStore store;
    private BrokerThread thread;
    private Broker broker;
    private PageStore pages;
    private volatile java.time.Instant liveSince;
    /** A backup waits for the store's lock as long as it runs. */
    private static final java.time.Duration BACKUP_LOCK_WAIT = java.time.Duration.ofDays(3650);
    /** True once this broker handed its store back to the original live one; false if it closed otherwise. */
    private final java.util.concurrent.CompletableFuture<Boolean> handedOver = new java.util.concurrent.CompletableFuture<>();
    private volatile Thread failbackWatcher;
    private volatile boolean handingOver;
    private volatile javax.management.ObjectName mbeanName;
    private final QueueBeans queueBeans = new QueueBeans();
    /** Size at which a new page file is started. */
    private static final long PAGE_FILE_SIZE = 64L << 20;
    private Acceptor acceptor;
    private volatile int boundPort = -1;
    /** How often the users and roles files are checked for changes. */
    private static final long USERS_CHECK_MILLIS = 2000;
    private UsersFileWatcher usersWatcher;

    private EmbeddedBroker(BrokerConfig config, Journal customJournal) {
        this.config = config;
        this.customJournal = customJournal;
    }

    /** A builder with the defaults of {@link BrokerConfig#defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A broker for a complete configuration. */
    public static EmbeddedBroker of(BrokerConfig config) {
        return new EmbeddedBroker(Objects.requireNonNull(config, "config"), null);
    }

    public BrokerConfig config() {
        return config;
    }

    /**
     * Opens the store, recovers, declares the configured destinations and binds the port. Blocks
     * until the broker accepts connections.
     *
     * @throws IllegalStateException if already started or closed
     * @throws dev.wharf.journal.JournalLockedException if another broker holds the store
     * @throws ConfigException if the users file is unreadable or malformed
     * @throws RuntimeException if the port cannot be bound (the cause says why)
     */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("The broker is " + (state == State.STARTED ? "already started" : "closed"));
        }
        state = State.STARTED;
        try {
            // Taken before the files are read: a change after this is seen by the watcher.
            java.util.List<Object> usersStamp = config.usersFile() == null ? null
                    : UsersFileWatcher.stamp(config.usersFile(), config.security().rolesFile());
            UserStore users = loadUsers();
            boolean backup = config.role() == BrokerConfig.Role.BACKUP;
            if (backup) {
                LOG.info("Wharf broker {} is a backup: waiting for the lock of its store ({}) held by the live broker",
                        config.brokerName(), config.storeDescription());
            }
            JournalStore.Recovered opened;
            store = openStore(backup ? BACKUP_LOCK_WAIT : java.time.Duration.ZERO);
            // Large message bodies live beside the journal; the store's lock covers them too.
            store.largeMessages(new LargeMessageStore(config.dataDirectory().resolve("large")));
            pageRecovery(store);
            try {
                opened = store.open();
            } catch (dev.wharf.journal.JournalLockedException e) {
                if (backup || !config.failback() || customJournal != null) {
                    throw e;
                }
                // Failback: the backup is serving our store. Ask for it back and wait for its lock.
                store = null;
                failbackRequests().request(config.brokerName());
                LOG.warn("Wharf broker {} finds its store held by its backup: asked for it back (failback), waiting for"
                        + " the backup to hand it over", config.brokerName());
                store = openStore(BACKUP_LOCK_WAIT);
                store.largeMessages(new LargeMessageStore(config.dataDirectory().resolve("large")));
                pageRecovery(store);
                opened = store.open();
            }
            JournalStore.Recovered recovered = opened;
            // Whoever holds the store now answered any failback request there was.
            if (config.failback() && customJournal == null) {
                failbackRequests().clear();
            }
            liveSince = java.time.Instant.now();
            if (backup) {
                LOG.warn("Wharf broker {} took over the store at {} and is now live", config.brokerName(), liveSince);
            }
            acceptor = new Acceptor();
            thread = new BrokerThread(acceptor.brokerLoop());
            pages = recovered.pages();
            broker = new Broker(new BrokerSettings(config.brokerName(), VERSION, config.maxFrameSize(),
                    config.autoCreateDestinations(), new AddressSettingsResolver(config.addressSettings()),
                    config.globalMaxSize(), new dev.wharf.server.internal.core.Authorizer(config.security())), store, pages,
                    users, Clock.systemUTC(), thread);
            thread.runAndWait(() -> {
                broker.recover(recovered);
                config.queues().forEach(broker::declareQueue);
                config.topics().forEach(broker::declareTopic);
                broker.startExpirySweep();
                broker.startSlowConsumerCheck();
            });
            boundPort = acceptor.start(config.host(), config.port(), config.maxFrameSize(), broker, thread);
            if (users != null) {
                Broker b = broker;
                BrokerThread t = thread;
                usersWatcher = new UsersFileWatcher(config.brokerName(), config.usersFile(), config.security().rolesFile(),
                        usersStamp, next -> t.execute(() -> {
                            int closed = b.replaceUsers(next);
                            if (closed > 0) {
                                LOG.warn("Wharf broker {} closed {} connection(s) whose user was removed from the users file"
                                        + " or has a new password", config.brokerName(), closed);
                            }
                        }));
                usersWatcher.start(USERS_CHECK_MILLIS);
            }
            LOG.info("Wharf broker {} listening on {}:{} (data: {}, store: {}, authentication: {}, transport: {},"
                    + " global.max.size: {})", config.brokerName(), config.host(), boundPort,
                    config.dataDirectory().toAbsolutePath(), config.storeDescription(),
                    users == null ? "off" : users.size() + " users", Acceptor.transportName(),
                    config.globalMaxSize() < 0 ? "no limit" : config.globalMaxSize() + " bytes");
            if (backup && config.failback() && customJournal == null) {
                startFailbackWatcher();
            }
            registerStatus(backup);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown();
            throw new IllegalStateException("interrupted while starting the broker", e);
        } catch (RuntimeException | Error e) {
            shutdown();
            throw e;
        } catch (Exception e) {
            // Netty's bind reports a BindException as a checked exception thrown sneakily.
            shutdown();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": " + e, e);
        }
    }

    /** Publishes the broker's role and takeover time over JMX; a failure to do so is only logged. */
    private void registerStatus(boolean tookOver) {
        java.time.Instant since = liveSince;
        int port = boundPort;
        BrokerStatusMXBean status = new BrokerStatusMXBean() {
            @Override
            public String getRole() {
                return tookOver ? "backup" : "live";
            }

            @Override
            public boolean isLive() {
                return state == State.STARTED;
            }

            @Override
            public String getLiveSince() {
                return since.toString();
            }

            @Override
            public String getLastTakeover() {
                return tookOver ? since.toString() : null;
            }

            @Override
            public int getPort() {
                return port;
            }

            @Override
            public String getStore() {
                return config.storeDescription();
            }

            @Override
            public int getConnectionCount() {
                return onBrokerThread(Broker::connectionCount);
            }

            @Override
            public long getMessageBytes() {
                return messageBytes();
            }

            @Override
            public long getGlobalMaxSize() {
                return config.globalMaxSize();
            }

            @Override
            public long getPagedMessageCount() {
                return pagingStats().bodies();
            }

            @Override
            public long getDeadLetteredCount() {
                return deadLetteredCount();
            }

            @Override
            public long getDuplicatesDroppedCount() {
                return duplicatesDroppedCount();
            }

            @Override
            public long getDroppedWhileFullCount() {
                return droppedWhileFullCount();
            }

            @Override
            public long getSlowConsumerCount() {
                return slowConsumerCount();
            }
        };
        try {
            javax.management.ObjectName name = new javax.management.ObjectName("dev.wharf:type=Broker,name="
                    + javax.management.ObjectName.quote(config.brokerName()) + ",port=" + port);
            java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(
                    new javax.management.StandardMBean(status, BrokerStatusMXBean.class, true), name);
            mbeanName = name;
        } catch (javax.management.JMException | RuntimeException e) {
            LOG.warn("Wharf broker {}: cannot publish its status over JMX: {}", config.brokerName(), e.toString());
            return;
        }
        queueBeans.start(port);
    }

    private void unregisterStatus() {
        queueBeans.stop();
        javax.management.ObjectName name = mbeanName;
        if (name != null) {
            mbeanName = null;
            try {
                java.lang.management.ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (javax.management.JMException e) {
                LOG.debug("unregistering {} failed: {}", name, e.toString());
            }
        }
    }

    /** The JMX name of this broker's {@link BrokerStatusMXBean}, or null when it is not serving. */
    public javax.management.ObjectName statusName() {
        return mbeanName;
    }

    /**
     * Recovery pages the bodies of the messages it finds past {@code global.max.size} (a quarter
     * of the heap when that is unlimited), so a backlog that was paged while the broker ran can
     * be recovered in the same heap. The page store is made once the store is locked.
     */
    private void pageRecovery(dev.wharf.server.internal.store.JournalStore s) {
        long budget = config.globalMaxSize() >= 0 ? config.globalMaxSize() : BrokerConfig.defaultGlobalMaxSize();
        s.pageRecoveredBodies(() -> new PageStore(config.dataDirectory().resolve("paging"), PAGE_FILE_SIZE), budget);
    }

    private dev.wharf.server.internal.store.JournalStore openStore(java.time.Duration lockWait) {
        return customJournal != null ? JournalFactory.wrap(customJournal)
                : JournalFactory.create(config.dataDirectory(), config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(),
                        lockWait, java.time.Duration.ofMillis(config.jdbcLeaseTtlMillis()), this::storeLost);
    }

    /** Where the pair's failback request is kept, beside the shared store. */
    dev.wharf.server.internal.store.FailbackRequests failbackRequests() {
        return dev.wharf.server.internal.store.FailbackRequests.forStore(config.dataDirectory(), config.jdbcUrl(),
                config.jdbcUser(), config.jdbcPassword());
    }

    /**
     * A backup that took over watches for the original live broker's failback request; when it
     * comes, it hands the store over: a clean shutdown, which releases the lock.
     */
    private void startFailbackWatcher() {
        Thread t = new Thread(() -> {
            while (state == State.STARTED) {
                if (failbackRequests().pending()) {
                    LOG.warn("Wharf broker {}: the original live broker asked for the store back (failback); handing it"
                            + " over", config.brokerName());
                    handingOver = true;
                    close();
                    handedOver.complete(true);
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "wharf-failback-watch");
        t.setDaemon(true);
        failbackWatcher = t;
        t.start();
    }

    /**
     * Completes with true when this broker (a backup that took over, with {@code ha.failback})
     * handed its store back to the original live broker, or with false when it closed otherwise.
     */
    public java.util.concurrent.CompletableFuture<Boolean> handedOver() {
        return handedOver;
    }

    private UserStore loadUsers() {
        SecuritySettings security = config.security();
        if (config.usersFile() == null) {
            if (security.authorizes() || security.rolesFile() != null) {
                throw new ConfigException((security.authorizes() ? "security." + security.permissions().keySet().iterator().next()
                        + ".*" : "roles.file") + " is set but there is no users file: without one nobody logs in, so"
                        + " nobody has a role; set users.file (--users), or remove the security settings");
            }
            return null;
        }
        try {
            return UserStore.load(config.usersFile(), security.rolesFile());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * Another broker took the JDBC store's lease: every store operation fails from now on, so stop
     * serving at once (never two live brokers), on a thread of its own.
     */
    private void storeLost() {
        LOG.error("Wharf broker {} lost the lease of its store ({}) to another broker; it stops serving now",
                config.brokerName(), config.storeDescription());
        Thread t = new Thread(this::close, "wharf-store-lost");
        t.setDaemon(false);
        t.start();
    }

    /** When this broker took the store and started serving (after a takeover, for a backup), or null. */
    public java.time.Instant liveSince() {
        return liveSince;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        if (boundPort < 0) {
            throw new IllegalStateException("The broker is not started");
        }
        return boundPort;
    }

    /**
     * A snapshot of the queue {@code name}, or null if there is no such queue.
     *
     * @throws IllegalStateException if the broker is not started
     */
    public QueueStats queueStats(String name) {
        return onBrokerThread(b -> {
            dev.wharf.server.internal.core.Queue q = b.findQueue(name);
            return q == null ? null : new QueueStats(name, q.size(), q.inFlightCount(), q.consumerCount(), q.expiredCount(),
                    q.groupCount());
        });
    }

    /** Messages moved to a dead-letter queue since the start. */
    public long deadLetteredCount() {
        return onBrokerThread(Broker::deadLetteredCount);
    }

    /** Messages dropped as duplicates (same duplicate id on the same address) since the start. */
    public long duplicatesDroppedCount() {
        return onBrokerThread(Broker::duplicatesDroppedCount);
    }

    /** Message bodies paged to disk now (policy PAGE), their bytes, and the page files holding them. */
    public PagingStats pagingStats() {
        long[] s = onBrokerThread(Broker::pagingStats);
        return new PagingStats(s[0], s[1], (int) s[2]);
    }

    /**
     * @param bodies message bodies on disk now
     * @param bytes their bytes
     * @param files page files open
     */
    public record PagingStats(long bodies, long bytes, int files) {
    }

    /**
     * Message bytes all addresses hold now (each message once, paged bodies included), which
     * {@code global.max.size} limits.
     */
    public long messageBytes() {
        return onBrokerThread(Broker::totalBytes);
    }

    /** Messages dropped because their address was full (policy DROP) since the start. */
    public long droppedWhileFullCount() {
        return onBrokerThread(Broker::droppedWhileFullCount);
    }

    /** Consumers found slow (slow-consumer-threshold-ms) since the start, each slow spell once. */
    public long slowConsumerCount() {
        return onBrokerThread(Broker::slowConsumerCount);
    }

    private synchronized <T> T onBrokerThread(java.util.function.Function<Broker, T> query) {
        if (state != State.STARTED) {
            throw new IllegalStateException("The broker is not started");
        }
        Broker b = broker;
        java.util.concurrent.atomic.AtomicReference<T> out = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            thread.runAndWait(() -> out.set(query.apply(b)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the broker thread", e);
        }
        return out.get();
    }

    /** The URL clients connect to: {@code wharf://localhost:<port>} when listening on all interfaces. */
    public String url() {
        String h = config.host();
        if (h.equals("0.0.0.0") || h.equals("::") || h.isEmpty()) {
            h = "localhost";
        }
        return "wharf://" + h + ":" + port();
    }

    /** Stops accepting, closes connections, stops the broker thread, closes the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasStarted = state == State.STARTED;
        state = State.CLOSED;
        unregisterStatus();
        shutdown();
        if (wasStarted) {
            LOG.info("Wharf broker {} stopped", config.brokerName());
        }
        Thread watcher = failbackWatcher;
        if (watcher != null && watcher != Thread.currentThread()) {
            watcher.interrupt();
        }
        if (!handingOver) {
            handedOver.complete(false);
        }
    }

    private void shutdown() {
        if (usersWatcher != null) {
            usersWatcher.close();
            usersWatcher = null;
        }
        if (acceptor != null) {
            if (broker != null && thread != null) {
                try {
                    thread.runAndWait(() -> {
                        List<BrokerConnection> conns = broker.connections();
                        conns.forEach(BrokerConnection::close);
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.warn("Error closing connections: {}", e.toString());
                }
            }
            acceptor.close();
            if (thread == null) {
                // Started no further than the acceptor: nobody else stops its broker loop.
                acceptor.brokerLoop().shutdown();
            }
            acceptor = null;
        }
        if (thread != null) {
            thread.close();
            thread = null;
        }
        if (pages != null) {
            pages.close();
            pages = null;
        }
        if (store != null) {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.warn("Error closing the store: {}", e.toString());
            }
            store = null;
        }
    }

    // Visible for testing
    Broker broker() {
        return broker;
    }

    /** Builds an {@link EmbeddedBroker}. Not thread-safe. */
    public static final class Builder {
        private BrokerConfig config = BrokerConfig.defaults();
        private Journal journal;

        private Builder() {
        }

        /** The data directory (default ./data); the file journal lives in {@code dir/journal}. */
        public Builder dataDirectory(Path dir) {
            config = config.withDataDirectory(Objects.requireNonNull(dir, "dir"));
            return this;
        }

        /** The TCP port (default 61700); 0 picks a free one, see {@link EmbeddedBroker#port()}. */
        public Builder port(int port) {
            config = config.withPort(port);
            return this;
        }

        /** The interface to listen on (default 0.0.0.0, all of them). */
        public Builder host(String host) {
            config = config.withHost(Objects.requireNonNull(host, "host"));
            return this;
        }

        /** A users file ({@code user = pbkdf2 hash}); null (default) turns authentication off. */
        public Builder usersFile(Path file) {
            config = config.withUsersFile(file);
            return this;
        }

        /** A roles file ({@code role = user, user, ...}) for the users of {@link #usersFile}; see {@link SecuritySettings}. */
        public Builder rolesFile(Path file) {
            config = config.withSecurity(config.security().withRolesFile(file));
            return this;
        }

        /**
         * Only {@code roles} have {@code permission} on the addresses {@code pattern} matches. Once
         * any permission is set, every address is checked; see {@link SecuritySettings}.
         */
        public Builder permission(String pattern, SecuritySettings.Permission permission, String... roles) {
            config = config.withSecurity(config.security().withPermission(Objects.requireNonNull(pattern, "pattern"),
                    Objects.requireNonNull(permission, "permission"), java.util.Set.of(roles)));
            return this;
        }

        /** Use the JDBC store at {@code url} instead of the file journal. */
        public Builder jdbcUrl(String url) {
            config = config.withJdbc(url, config.jdbcUser(), config.jdbcPassword());
            return this;
        }

        /** Use the JDBC store at {@code url} with these credentials. */
        public Builder jdbcUrl(String url, String user, String password) {
            config = config.withJdbc(url, user, password);
            return this;
        }

        /** Whether unknown destinations are created on first use (default true). */
        public Builder autoCreateDestinations(boolean auto) {
            config = config.withAutoCreateDestinations(auto);
            return this;
        }

        /** The largest frame accepted (default 100 MiB). */
        public Builder maxFrameSize(int bytes) {
            config = config.withMaxFrameSize(bytes);
            return this;
        }

        /** Queues to declare at start. */
        public Builder queues(String... names) {
            config = config.withQueues(List.of(names));
            return this;
        }

        /** Topics to declare at start. */
        public Builder topics(String... names) {
            config = config.withTopics(List.of(names));
            return this;
        }

        /**
         * Message bytes all addresses together may hold before every address is full and applies its
         * {@code address-full-policy} (default: a quarter of the heap); -1: no limit.
         */
        public Builder globalMaxSize(long bytes) {
            config = config.withGlobalMaxSize(bytes);
            return this;
        }

        /** The broker name clients see (default "wharf"). */
        public Builder brokerName(String name) {
            config = config.withBrokerName(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * Sets the redelivery, dead-letter and expiry settings of the addresses matching
         * {@code pattern} (see {@link BrokerConfig}); fields left null fall back to less specific
         * patterns and the defaults.
         */
        public Builder addressSettings(String pattern, AddressSettings settings) {
            Map<String, AddressSettings> all = new java.util.LinkedHashMap<>(config.addressSettings());
            all.put(Objects.requireNonNull(pattern, "pattern"), Objects.requireNonNull(settings, "settings"));
            config = config.withAddressSettings(all);
            return this;
        }

        /** Starts from a whole configuration (for example one read from a file). */
        public Builder config(BrokerConfig c) {
            config = Objects.requireNonNull(c, "config");
            return this;
        }

        /**
         * Uses this journal instead of the configured store (tests, custom stores). The broker
         * opens it on start and closes it on close.
         */
        public Builder journal(Journal j) {
            this.journal = j;
            return this;
        }

        public EmbeddedBroker build() {
            return new EmbeddedBroker(config, journal);
        }
    }

    /**
     * Keeps one {@link QueueStatusMXBean} per queue and durable subscription registered: every
     * second a thread of its own asks the broker thread for the list and registers or
     * unregisters the difference, so creating and deleting queues costs the broker thread nothing.
     */
    private final class QueueBeans {
        private final Map<javax.management.ObjectName, dev.wharf.server.internal.core.Queue> registered = new HashMap<>();
        private java.util.concurrent.ScheduledExecutorService sync;
        private int port;
        private boolean stopped;

        synchronized void start(int boundPort) {
            port = boundPort;
            stopped = false;
            sync = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "wharf-jmx-" + config.brokerName());
                t.setDaemon(true);
                return t;
            });
            sync.scheduleWithFixedDelay(this::sync, 0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }

        private void sync() {
            try {
                syncOnce();
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again.
                LOG.warn("Wharf broker {}: could not update the queues' JMX beans: {}", config.brokerName(), e.toString());
            }
        }

        private void syncOnce() {
            List<Broker.Watched> now;
            try {
                now = onBrokerThread(Broker::watched);
            } catch (IllegalStateException e) {
                return; // stopping
            }
            Map<javax.management.ObjectName, Broker.Watched> wanted = new HashMap<>();
            for (Broker.Watched w : now) {
                try {
                    wanted.put(nameOf(w), w);
                } catch (javax.management.MalformedObjectNameException e) {
                    LOG.debug("no JMX name for {}: {}", w.name(), e.toString());
                }
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                registered.entrySet().removeIf(e -> {
                    Broker.Watched w = wanted.get(e.getKey());
                    if (w != null && w.queue() == e.getValue()) {
                        return false;
                    }
                    unregister(e.getKey());
                    return true;
                });
                wanted.forEach((name, w) -> {
                    if (!registered.containsKey(name)) {
                        try {
                            java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(
                                    new javax.management.StandardMBean(bean(w), QueueStatusMXBean.class, true), name);
                            registered.put(name, w.queue());
                        } catch (javax.management.JMException e) {
                            LOG.debug("registering {} failed: {}", name, e.toString());
                        }
                    }
                });
            }
        }

        private javax.management.ObjectName nameOf(Broker.Watched w) throws javax.management.MalformedObjectNameException {
            String common = ",broker=" + javax.management.ObjectName.quote(config.brokerName()) + ",port=" + port;
            if (w.topic() == null) {
                return new javax.management.ObjectName("dev.wharf:type=Queue" + common + ",name="
                        + javax.management.ObjectName.quote(w.name()));
            }
            return new javax.management.ObjectName("dev.wharf:type=Subscription" + common + ",topic="
                    + javax.management.ObjectName.quote(w.topic())
                    + (w.clientId() == null ? "" : ",clientId=" + javax.management.ObjectName.quote(w.clientId()))
                    + ",name=" + javax.management.ObjectName.quote(w.name()));
        }

        private QueueStatusMXBean bean(Broker.Watched w) {
            dev.wharf.server.internal.core.Queue q = w.queue();
            return new QueueStatusMXBean() {
                @Override
                public String getName() {
                    return w.name();
                }

                @Override
                public String getTopic() {
                    return w.topic();
                }

                @Override
                public long getMessageCount() {
                    return onBrokerThread(b -> (long) q.size() + q.inFlightCount());
                }

                @Override
                public long getDeliveringCount() {
                    return onBrokerThread(b -> q.inFlightCount());
                }

                @Override
                public int getConsumerCount() {
                    return onBrokerThread(b -> q.consumerCount());
                }

                @Override
                public long getExpiredCount() {
                    return onBrokerThread(b -> q.expiredCount());
                }

                @Override
                public int removeMessages(String selector) {
                    return inBatches(b -> {
                        try {
                            return b.removeMessages(q, selector, Broker.ADMIN_BATCH);
                        } catch (dev.wharf.server.internal.core.BrokerException e) {
                            throw new IllegalArgumentException(e.getMessage());
                        }
                    });
                }

                @Override
                public int retryMessages() {
                    return inBatches(b -> b.retryMessages(q, Broker.ADMIN_BATCH));
                }

                /**
                 * Runs {@code batch} on the broker thread, each call a task of its own (a queue of
                 * millions does not stall the broker thread), until a call handles less than a
                 * whole batch; returns how many all calls handled.
                 */
                private int inBatches(java.util.function.Function<Broker, Integer> batch) {
                    int total = 0;
                    int n;
                    do {
                        n = onBrokerThread(batch);
                        total += n;
                    } while (n == Broker.ADMIN_BATCH);
                    return total;
                }
            };
        }

        private void unregister(javax.management.ObjectName name) {
            try {
                java.lang.management.ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (javax.management.JMException e) {
                LOG.debug("unregistering {} failed: {}", name, e.toString());
            }
        }

        /** Unregisters every queue's bean; without waiting for the sync thread, which may be waiting for the broker. */
        synchronized void stop() {
            stopped = true;
            if (sync != null) {
                sync.shutdownNow();
                sync = null;
            }
            registered.keySet().forEach(this::unregister);
            registered.clear();
        }
    }
}
