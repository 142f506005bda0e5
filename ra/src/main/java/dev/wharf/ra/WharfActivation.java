package dev.wharf.ra;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Topic;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MDB activation: a Wharf connection and its {@link InboundSession}s, one per concurrent
 * consumer ({@code maxSession} on a queue or a shared subscription, one on an unshared topic
 * subscription). When the connection fails (the broker went away) it is closed and made again
 * every {@code reconnectInterval} ms until it works or the activation stops.
 *
 * <p>Thread-safe: connecting runs on the adapter's scheduler thread; {@link #stop()} may come from
 * any thread. The connection and sessions are guarded by {@code this}.
 */
final class WharfActivation {

    private static final Logger LOG = LoggerFactory.getLogger(WharfActivation.class);
    static final Method ON_MESSAGE;

    static {
        try {
            ON_MESSAGE = MessageListener.class.getMethod("onMessage", Message.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MessageEndpointFactory factory;
    private final WharfActivationSpec spec;
    private final ConnectionSettings settings;
    private final Destination destination;
    private final ScheduledExecutorService scheduler;
    private final boolean transacted;
    private Connection connection;
    private final List<InboundSession> sessions = new ArrayList<>();
    private boolean stopped;
    /** Incremented per connection, so a late failure report of an old connection is ignored. Guarded by this. */
    private int generation;
    private int failedAttempts;

    WharfActivation(MessageEndpointFactory factory, WharfActivationSpec spec, ConnectionSettings settings,
                    Destination destination, ScheduledExecutorService scheduler) throws jakarta.resource.ResourceException {
        this.factory = factory;
        this.spec = spec;
        this.settings = settings;
        this.destination = destination;
        this.scheduler = scheduler;
        try {
            this.transacted = factory.isDeliveryTransacted(ON_MESSAGE);
        } catch (NoSuchMethodException e) {
            throw new jakarta.resource.NotSupportedException("the endpoint has no onMessage(Message): " + e.getMessage(), e);
        }
    }

    void start() {
        scheduler.execute(this::connect);
    }

    /** How many sessions consume: all of maxSession unless each would get its own copy of a topic's messages. */
    int sessionCount() {
        boolean topic = destination instanceof Topic;
        return topic && !spec.isShareSubscriptions() ? 1 : spec.getMaxSession();
    }

    /** On the scheduler thread: connects, or schedules the next attempt. */
    private void connect() {
        int gen;
        synchronized (this) {
            if (stopped || connection != null) {
                return;
            }
            gen = ++generation;
        }
        Connection c = null;
        List<InboundSession> made = new ArrayList<>();
        try {
            c = transacted ? settings.xaFactory().createXAConnection() : settings.xaFactory().createConnection();
            if (ConnectionSettings.firstSet(spec.getClientId()) != null) {
                c.setClientID(spec.getClientId().trim());
            }
            java.util.concurrent.atomic.AtomicReference<JMSException> lost = new java.util.concurrent.atomic.AtomicReference<>();
            c.setExceptionListener(e -> {
                lost.compareAndSet(null, e);
                connectionFailed(gen, e);
            });
            for (int i = 0; i < sessionCount(); i++) {
                InboundSession s = new InboundSession(factory, spec, destination, transacted, i);
                made.add(s);
                s.open(c);
            }
            synchronized (this) {
                if (stopped) {
                    throw new JMSException("the activation was stopped");
                }
                connection = c;
                sessions.addAll(made);
            }
            c.start();
            if (lost.get() != null) {
                // It failed while we were connecting, before connectionFailed could see it: start over.
                connectionFailed(gen, lost.get());
                return;
            }
            LOG.info("Delivering {} to {} with {} session(s) from {} ({})", destination, endpointName(), made.size(), settings,
                    transacted ? "XA transactions" : "acknowledge mode " + spec.getAcknowledgeMode());
            synchronized (this) {
                failedAttempts = 0;
            }
        } catch (JMSException | jakarta.resource.ResourceException | RuntimeException e) {
            int attempts;
            synchronized (this) {
                attempts = ++failedAttempts;
                if (connection == c) {
                    connection = null;
                    sessions.clear();
                }
            }
            close(c, made);
            // The first failure and then every tenth are worth a WARN; the rest would flood the log.
            if (attempts == 1 || attempts % 10 == 0) {
                LOG.warn("Cannot deliver {} to {} from {} (attempt {}): {}; retrying every {} ms", destination, endpointName(),
                        settings, attempts, e.toString(), spec.getReconnectInterval());
            }
            scheduleReconnect();
        }
    }

    private String endpointName() {
        try {
            return factory.getActivationName();
        } catch (RuntimeException | AbstractMethodError e) {
            return String.valueOf(factory);
        }
    }

    /** Any thread (the connection's): the broker went away; start over on the scheduler thread. */
    private void connectionFailed(int gen, JMSException e) {
        Connection c;
        List<InboundSession> old;
        synchronized (this) {
            if (stopped || gen != generation || connection == null) {
                return;
            }
            c = connection;
            old = new ArrayList<>(sessions);
            connection = null;
            sessions.clear();
        }
        LOG.warn("Connection for {} to {} failed: {}; reconnecting every {} ms", endpointName(), settings, e.getMessage(),
                spec.getReconnectInterval());
        scheduler.execute(() -> {
            close(c, old);
            connect();
        });
    }

    private void scheduleReconnect() {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        try {
            scheduler.schedule(this::connect, spec.getReconnectInterval(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The adapter is stopping.
        }
    }

    /** Stops delivery: waits for running onMessage calls, closes the connection, releases the endpoints. */
    void stop() {
        Connection c;
        List<InboundSession> old;
        synchronized (this) {
            stopped = true;
            c = connection;
            old = new ArrayList<>(sessions);
            connection = null;
            sessions.clear();
        }
        close(c, old);
        LOG.info("Stopped delivering {} to {}", destination, endpointName());
    }

    private static void close(Connection c, List<InboundSession> made) {
        if (c != null) {
            try {
                // stop() waits for the onMessage calls running now, so their transactions complete
                // before the connection goes.
                c.stop();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("stopping an inbound connection: {}", e.toString());
            }
            try {
                c.close();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("closing an inbound connection: {}", e.toString());
            }
        }
        for (InboundSession s : made) {
            s.release();
        }
    }
}
