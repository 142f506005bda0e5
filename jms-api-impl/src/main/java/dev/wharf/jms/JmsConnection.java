package dev.wharf.jms;

import dev.wharf.jms.internal.Transport;
import dev.wharf.protocol.ProtocolVersion;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.frame.AddressFlowFrame;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.ConnectedFrame;
import dev.wharf.protocol.frame.CreateTempDestinationFrame;
import dev.wharf.protocol.frame.DeleteTempDestinationFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.DisconnectFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.FlowFrame;
import dev.wharf.protocol.frame.SetClientIdFrame;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to a Wharf broker: one TCP connection, the sessions on it, and the rules of
 * the JMS connection (client id, start/stop, close, exception listener).
 *
 * <p>Thread-safe (JMS connections are). The I/O thread routes deliveries to consumers by id;
 * exception listener and completion callbacks run on the connection's callback thread.
 */
public class JmsConnection implements QueueConnection, TopicConnection, JmsTemporaryDestinationOwner {

    private static final Logger LOG = LoggerFactory.getLogger(JmsConnection.class);

    private final WharfConnectionFactory.ConnectionSettings settings;
    private final Transport transport;
    private final String connectionId;
    private final int maxFrameSize;
    private final boolean clientIdFixed;
    private final List<JmsSession> sessions = new CopyOnWriteArrayList<>();
    private final Map<Long, JmsMessageConsumer> consumers = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong tempIds = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ExecutorService callbacks;
    private volatile String clientId;
    private volatile boolean used;
    private volatile boolean started;
    /** Addresses the broker said are full (ADDRESS_FLOW); sends to them wait. Guarded by itself. */
    private final java.util.Set<WireDestination> blockedAddresses = new java.util.HashSet<>();
    /** Orders start() and stop() with their FLOW frames. */
    private final Object flowLock = new Object();
    private volatile boolean failed;
    private final String brokerName;
    private volatile ExceptionListener exceptionListener;

    JmsConnection(WharfConnectionFactory.ConnectionSettings settings, Transport transport, ConnectedFrame connected) {
        this.settings = settings;
        this.transport = transport;
        this.connectionId = connected.connectionId();
        this.maxFrameSize = connected.maxFrameSize();
        this.brokerName = connected.brokerName();
        this.clientId = settings.clientId();
        this.clientIdFixed = settings.clientId() != null;
        this.callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wharf-callbacks-" + connectionId);
            t.setDaemon(true);
            return t;
        });
    }

    static JmsConnection open(WharfConnectionFactory.ConnectionSettings settings) throws JMSException {
        return open(settings, false);
    }

    /** @param xa true for a {@link JmsXAConnection} */
    static JmsConnection open(WharfConnectionFactory.ConnectionSettings settings, boolean xa) throws JMSException {
        Transport transport = null;
        JMSException failure = null;
        for (WharfConnectionFactory.Address a : settings.addresses()) {
            try {
                transport = Transport.connect(a.host(), a.port(), settings.connectTimeout());
                break;
            } catch (JMSException e) {
                failure = failure == null ? e : failure;
                if (failure != e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (transport == null) {
            if (settings.addresses().size() == 1) {
                throw failure;
            }
            JMSException all = new JMSException("cannot connect to any of " + settings.addresses() + "; are the brokers"
                    + " running? (first failure: " + failure.getMessage() + ")");
            all.setLinkedException(failure);
            all.initCause(failure);
            throw all;
        }
        ConnectedFrame connected;
        try {
            connected = (ConnectedFrame) transport.call(new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT,
                    settings.user(), settings.password(), settings.clientId()), settings.requestTimeout(), "CONNECT");
        } catch (JMSException | RuntimeException e) {
            transport.close();
            throw e;
        }
        JmsConnection c = xa ? new JmsXAConnection(settings, transport, connected)
                : new JmsConnection(settings, transport, connected);
        transport.setListener(c.new Events());
        LOG.debug("connected to {} as {}", transport.address(), c.connectionId);
        return c;
    }

    // ---- package-private plumbing for sessions, producers and consumers ----

    Transport transport() {
        return transport;
    }

    /**
     * Waits while the broker holds sends to {@code address} because it is full, at most the
     * request timeout.
     *
     * @throws ResourceAllocationException if it stays full that long
     */
    void awaitRoomIn(WireDestination address) throws JMSException {
        synchronized (blockedAddresses) {
            if (!blockedAddresses.contains(address)) {
                return;
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(requestTimeout());
            while (blockedAddresses.contains(address)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new jakarta.jms.ResourceAllocationException("address " + dev.wharf.protocol.WharfProperties.describe(address)
                            + " is full and stayed full for "
                            + requestTimeout() + " ms: the broker holds producers until its consumers make room"
                            + " (max-size-bytes). The message was not sent; retry later");
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(blockedAddresses, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JMSException("interrupted while waiting for room in address " + address);
                }
            }
        }
    }

    int requestTimeout() {
        return settings.requestTimeout();
    }

    int prefetch() {
        return settings.prefetch();
    }

    int maxFrameSize() {
        return maxFrameSize;
    }

    String connectionId() {
        return connectionId;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    boolean isStarted() {
        return started;
    }

    ExecutorService callbacks() {
        return callbacks;
    }

    void register(JmsMessageConsumer consumer) {
        consumers.put(consumer.id(), consumer);
    }

    void unregister(JmsMessageConsumer consumer) {
        consumers.remove(consumer.id());
    }

    void removeSession(JmsSession session) {
        sessions.remove(session);
    }

    void checkClosed() throws IllegalStateException {
        if (closed.get()) {
            throw new IllegalStateException("The connection is closed");
        }
        if (failed) {
            throw new IllegalStateException("The connection to " + transport.address() + " is lost");
        }
    }

    private void markUsed() {
        used = true;
    }

    /** True if the current thread is a listener thread of one of this connection's sessions. */
    boolean isListenerThread() {
        for (JmsSession s : sessions) {
            if (s.isDeliveryThread()) {
                return true;
            }
        }
        return false;
    }

    // ---- jakarta.jms.Connection ----

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, JmsSession.Domain.ANY);
    }

    private JmsSession createSession(boolean transacted, int acknowledgeMode, JmsSession.Domain domain) throws JMSException {
        checkClosed();
        markUsed();
        int mode = transacted ? Session.SESSION_TRANSACTED : acknowledgeMode;
        if (mode != Session.SESSION_TRANSACTED && mode != Session.AUTO_ACKNOWLEDGE
                && mode != Session.CLIENT_ACKNOWLEDGE && mode != Session.DUPS_OK_ACKNOWLEDGE) {
            throw new JMSException("acknowledgeMode: " + acknowledgeMode
                    + " (expected: Session.AUTO_ACKNOWLEDGE, CLIENT_ACKNOWLEDGE, DUPS_OK_ACKNOWLEDGE or SESSION_TRANSACTED)");
        }
        return addSession(new JmsSession(this, nextId(), mode, domain));
    }

    /** Opens a new session at the broker and adds it to this connection. */
    JmsSession addSession(JmsSession session) throws JMSException {
        checkClosed();
        markUsed();
        sessions.add(session);
        session.open();
        if (started) {
            session.start();
        }
        return session;
    }

    /** Who this connection talks to, for XAResource.isSameRM: the broker's address and name. */
    String brokerIdentity() {
        return transport.address() + "/" + brokerName;
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        return createSession(sessionMode == Session.SESSION_TRANSACTED, sessionMode);
    }

    @Override
    public Session createSession() throws JMSException {
        return createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, JmsSession.Domain.QUEUE);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, JmsSession.Domain.TOPIC);
    }

    @Override
    public String getClientID() throws JMSException {
        checkClosed();
        return clientId;
    }

    @Override
    public void setClientID(String id) throws JMSException {
        checkClosed();
        if (clientIdFixed) {
            throw new IllegalStateException("the client id '" + clientId + "' was set administratively on the connection factory and cannot be changed");
        }
        if (clientId != null) {
            throw new IllegalStateException("the client id is already set to '" + clientId + "'");
        }
        if (used) {
            throw new IllegalStateException("setClientID must be called before the connection is used");
        }
        if (id == null || id.isEmpty()) {
            throw new InvalidClientIDException("client id: null or empty");
        }
        transport.call(new SetClientIdFrame(id), settings.requestTimeout(), "SET_CLIENT_ID");
        clientId = id;
        markUsed();
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        checkClosed();
        return new JmsConnectionMetaData();
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        checkClosed();
        return exceptionListener;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        checkClosed();
        markUsed();
        this.exceptionListener = listener;
    }

    @Override
    public void start() throws JMSException {
        checkClosed();
        markUsed();
        synchronized (flowLock) {
            if (!started) {
                // The broker hands messages to this connection's consumers from now on.
                transport.call(new FlowFrame(true), requestTimeout(), "FLOW");
            }
            started = true;
        }
        for (JmsSession s : sessions) {
            s.start();
        }
    }

    @Override
    public void stop() throws JMSException {
        checkClosed();
        markUsed();
        if (isListenerThread()) {
            throw new IllegalStateException("a MessageListener must not stop its own connection");
        }
        synchronized (flowLock) {
            if (started) {
                // Stop the broker first, so it stops feeding consumers that cannot receive now.
                transport.call(new FlowFrame(false), requestTimeout(), "FLOW");
            }
            started = false;
        }
        for (JmsSession s : sessions) {
            s.awaitListenerIdle();
        }
    }

    @Override
    public void close() throws JMSException {
        if (isListenerThread()) {
            throw new IllegalStateException("a MessageListener must not close its own connection");
        }
        if (callbacksThread()) {
            throw new IllegalStateException("a CompletionListener must not close its own connection");
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        started = false;
        JMSException first = null;
        for (JmsSession s : sessions) {
            try {
                s.closeFromConnection();
            } catch (JMSException e) {
                first = first == null ? e : first;
            }
        }
        if (transport.isOpen() && !failed) {
            try {
                transport.call(new DisconnectFrame(), settings.requestTimeout(), "DISCONNECT");
            } catch (JMSException e) {
                LOG.debug("disconnect from {} failed: {}", transport.address(), e.getMessage());
            }
        }
        transport.close();
        callbacks.shutdown();
        if (first != null && !failed) {
            throw first;
        }
    }

    boolean callbacksThread() {
        return Thread.currentThread().getName().equals("wharf-callbacks-" + connectionId);
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination destination, String selector, ServerSessionPool pool, int maxMessages)
            throws JMSException {
        throw new JMSException("ConnectionConsumer (application-server facility) is not supported by Wharf yet");
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(Topic topic, String name, String selector, ServerSessionPool pool, int max)
            throws JMSException {
        throw new JMSException("ConnectionConsumer (application-server facility) is not supported by Wharf yet");
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(Topic topic, String name, String selector, ServerSessionPool pool, int max)
            throws JMSException {
        throw new JMSException("ConnectionConsumer (application-server facility) is not supported by Wharf yet");
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(Topic topic, String name, String selector, ServerSessionPool pool, int max)
            throws JMSException {
        throw new JMSException("ConnectionConsumer (application-server facility) is not supported by Wharf yet");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Queue queue, String selector, ServerSessionPool pool, int maxMessages)
            throws JMSException {
        throw new JMSException("ConnectionConsumer (application-server facility) is not supported by Wharf yet");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic topic, String selector, ServerSessionPool pool, int maxMessages)
            throws JMSException {
        throw new JMSException("ConnectionConsumer (application-server facility) is not supported by Wharf yet");
    }

    // ---- temporary destinations ----

    JmsDestination createTemporary(boolean queue) throws JMSException {
        checkClosed();
        markUsed();
        String name = (queue ? "temp-queue:" : "temp-topic:") + connectionId + ":" + tempIds.incrementAndGet();
        JmsDestination d = queue ? new JmsTemporaryQueue(name, this) : new JmsTemporaryTopic(name, this);
        transport.call(new CreateTempDestinationFrame(d.toWire()), settings.requestTimeout(), "CREATE_TEMP_DESTINATION");
        return d;
    }

    @Override
    public void deleteTemporaryDestination(JmsDestination destination) throws JMSException {
        checkClosed();
        transport.call(new DeleteTempDestinationFrame(destination.toWire()), settings.requestTimeout(), "DELETE_TEMP_DESTINATION");
    }

    // ---- events from the I/O thread ----

    private final class Events implements Transport.Listener {
        @Override
        public void onDeliver(DeliverFrame deliver) {
            JmsMessageConsumer c = consumers.get(deliver.consumerId());
            if (c != null) {
                c.onDeliver(deliver);
            }
        }

        @Override
        public void onUnsolicitedError(ErrorFrame error) {
            LOG.warn("broker {} reported: {} {}", transport.address(), error.code(), error.message());
            notifyListener(JmsExceptionSupport.fromError(error));
        }

        @Override
        public void onAddressFlow(AddressFlowFrame flow) {
            synchronized (blockedAddresses) {
                if (flow.blocked()) {
                    blockedAddresses.add(flow.address());
                } else {
                    blockedAddresses.remove(flow.address());
                }
                blockedAddresses.notifyAll();
            }
        }

        @Override
        public void onClosed(JMSException cause) {
            synchronized (blockedAddresses) {
                blockedAddresses.clear();
                blockedAddresses.notifyAll();
            }
            if (closed.get()) {
                return;
            }
            failed = true;
            started = false;
            for (JmsMessageConsumer c : consumers.values()) {
                c.onConnectionLost();
            }
            notifyListener(cause);
        }
    }

    private void notifyListener(JMSException e) {
        ExceptionListener l = exceptionListener;
        if (l != null && !callbacks.isShutdown()) {
            callbacks.execute(() -> l.onException(e));
        }
    }

    @Override
    public String toString() {
        return "JmsConnection[" + connectionId + " to " + transport.address() + "]";
    }
}
