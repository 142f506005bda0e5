package dev.wharf.jms;

import dev.wharf.jms.internal.ConnectionLostException;
import dev.wharf.jms.internal.Transport;
import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.Frame;
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
import jakarta.jms.JMSSecurityException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to a Wharf broker: one TCP connection, the sessions on it, and the rules of
 * the JMS connection (client id, start/stop, close, exception listener).
 *
 * <p>Thread-safe (JMS connections are). The reading thread (see Transport) routes deliveries to consumers by id;
 * exception listener and completion callbacks run on the connection's callback thread.
 */
public class JmsConnection implements QueueConnection, TopicConnection, JmsTemporaryDestinationOwner {

    private static final Logger LOG = LoggerFactory.getLogger(JmsConnection.class);

    private final WharfConnectionFactory.ConnectionSettings settings;
    /** The TCP connection in use and its generation: 0 at first, one more after each failover. */
    private volatile Link link;
    /** Guards {@link #nextLink} and the start and end of a failover. */
    private final Object linkLock = new Object();
    /** Completes when the next link is published, or fails when reconnecting gives up. Guarded by linkLock. */
    private CompletableFuture<Void> nextLink = new CompletableFuture<>();
    private volatile boolean reconnecting;
    /** Why the broker closed the connection for its credentials (a user removed or given a new password): no failover. */
    private volatile JMSException refusedCredentials;
    /** Why the connection was given up for good (see {@link #giveUp}), or null. */
    private volatile JMSException lostBecause;
    /**
     * Held while the set of sessions, producers, consumers and temporary destinations changes
     * together with the request that tells the broker, and while a failover re-creates them at
     * the new broker: so each of them is either re-created or told to the new broker, never both
     * or neither.
     */
    private final Object stateLock = new Object();
    private final java.util.Set<JmsDestination> temporaries = ConcurrentHashMap.newKeySet();
    /**
     * Ids of messages the application saw but could not settle before a failover: when the new
     * broker delivers one of them again, to any session of this connection, it is marked
     * redelivered. Bounded; guarded by itself.
     */
    private final java.util.Set<String> seenBeforeFailover = java.util.Collections.newSetFromMap(
            new java.util.LinkedHashMap<String, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 100_000;
                }
            });
    private final String connectionId;
    private final int maxFrameSize;
    private final boolean clientIdFixed;
    private final List<JmsSession> sessions = new CopyOnWriteArrayList<>();
    private final Map<Long, JmsMessageConsumer> consumers = new ConcurrentHashMap<>();
    /**
     * Threads waiting for frames they do not read themselves: a receive() while another thread
     * reads the socket, a producer held back by a full address. The frames they wait for must be
     * read as soon as they come (see {@link Transport.Listener#expectsDeliveries}).
     */
    final java.util.concurrent.atomic.AtomicInteger receiversWaiting = new java.util.concurrent.atomic.AtomicInteger();
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
    private volatile String brokerName;
    private volatile ExceptionListener exceptionListener;

    /** A TCP connection and the failover generation it belongs to. */
    record Link(Transport transport, long generation) {
    }

    /** What becomes of a request whose connection failed over before it was answered. */
    enum AfterFailover {
        /** Send it again to the new broker (a send, made safe by its duplicate id). */
        RESEND,
        /** Nothing more to do: the failover did it, or made it moot (re-created state, an ACK of a message that will come back). */
        DONE,
        /** It is lost: the caller gets a JMSException and may retry. */
        FAIL,
        /** A commit: it fails with TransactionRolledBackException (or, if it may have reached the broker, outcome unknown). */
        ROLLED_BACK
    }

    JmsConnection(WharfConnectionFactory.ConnectionSettings settings, Transport transport, ConnectedFrame connected) {
        this.settings = settings;
        this.link = new Link(transport, 0);
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
                transport = Transport.connect(a.host(), a.port(), settings.connectTimeout(), settings.heartbeat());
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
                    settings.user(), settings.password(), settings.clientId(), settings.heartbeat().ttlMillis()), settings.requestTimeout(),
                    "CONNECT");
        } catch (JMSException | RuntimeException e) {
            transport.close();
            throw e;
        }
        JmsConnection c = xa ? new JmsXAConnection(settings, transport, connected)
                : new JmsConnection(settings, transport, connected);
        transport.setListener(c.new Events(c.link));
        LOG.debug("connected to {} as {}", transport.address(), c.connectionId);
        return c;
    }

    // ---- package-private plumbing for sessions, producers and consumers ----

    Transport transport() {
        return link.transport();
    }

    /**
     * Sends {@code frame} without asking for an answer, on the connection to the broker of failover
     * generation {@code generation} only. Returns false, sending nothing, when the connection in
     * use is of another generation (a failover is under way or done). The frame goes out lazily
     * ({@link Transport#sendLazily}): a little later, but before any frame sent after it.
     */
    boolean sendLazilyOnGeneration(Frame frame, long generation) {
        Link l = link;
        if (l.generation() != generation) {
            return false;
        }
        l.transport().sendLazily(frame);
        return true;
    }

    /** Whether AUTO_ACKNOWLEDGE consumers wait for each acknowledgement to be forced. */
    boolean blockOnAcknowledge() {
        return settings.blockOnAcknowledge();
    }

    /** The failover generation of the current connection to the broker (0 until the first failover). */
    long generation() {
        return link.generation();
    }

    /** A message the application saw whose settlement a failover cut off. */
    void seenBeforeFailover(String messageId) {
        if (messageId != null) {
            synchronized (seenBeforeFailover) {
                seenBeforeFailover.add(messageId);
            }
        }
    }

    /**
     * The delivery count the application sees for a delivery it is about to get: one higher if it
     * saw the message before a failover, so it reads as redelivered.
     */
    int deliveryCount(DeliverFrame d) {
        String messageId = d.message().messageId();
        synchronized (seenBeforeFailover) {
            if (seenBeforeFailover.isEmpty() || messageId == null || !seenBeforeFailover.remove(messageId)) {
                return d.deliveryCount();
            }
        }
        return Math.max(2, d.deliveryCount() + 1);
    }

    boolean failoverEnabled() {
        return settings.reconnect().enabled();
    }

    /**
     * Sends a request to the broker. If the connection fails over before the answer comes, the
     * request is resent, taken as done, or failed, as {@code policy} says. A request that names
     * deliveries passes the generation they came in on ({@code -1}: any): it never reaches a broker
     * of another generation, as delivery ids mean nothing there.
     *
     * @return the answer (an ERROR frame included); null if the request was {@link AfterFailover#DONE done} by a failover
     */
    CompletableFuture<Frame> request(Frame frame, Runnable onAnswer, AfterFailover policy, long generation, String what) {
        return request(frame, onAnswer, policy, generation, what, false);
    }

    /**
     * {@link #request(Frame, Runnable, AfterFailover, long, String)}; {@code waiting}: the calling
     * thread waits for the answer next ({@link #await}), so it writes the request itself.
     */
    CompletableFuture<Frame> request(Frame frame, Runnable onAnswer, AfterFailover policy, long generation, String what,
                                     boolean waiting) {
        CompletableFuture<Frame> result = new CompletableFuture<>();
        attempt(frame, onAnswer, policy, generation, what, result, waiting);
        return result;
    }

    private void attempt(Frame frame, Runnable onAnswer, AfterFailover policy, long generation, String what,
                         CompletableFuture<Frame> result, boolean waiting) {
        Link l = link;
        if (generation > l.generation()) {
            // Deliveries of a connection a failover is still setting up: wait until it is in use.
            afterFailover(l.generation()).whenComplete((v, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    attempt(frame, onAnswer, policy, generation, what, result, false);
                }
            });
            return;
        }
        CompletableFuture<Frame> answer = generation >= 0 && generation < l.generation()
                ? CompletableFuture.failedFuture(new ConnectionLostException("the connection the deliveries of " + what
                        + " came on failed over", false))
                : l.transport().request(frame, onAnswer, waiting);
        answer.whenComplete((f, e) -> {
            if (e == null) {
                result.complete(f);
                return;
            }
            JMSException failure = JmsExceptionSupport.toJms(e);
            if (!(failure instanceof ConnectionLostException lost) || !failoverEnabled() || closed.get()) {
                result.completeExceptionally(failure);
                return;
            }
            afterFailover(l.generation()).whenComplete((v, failoverFailed) -> {
                if (failoverFailed != null) {
                    result.completeExceptionally(failoverFailed);
                    return;
                }
                switch (policy) {
                    case RESEND -> attempt(frame, onAnswer, policy, -1, what, result, false);
                    case DONE -> result.complete(null);
                    case FAIL -> result.completeExceptionally(new JMSException(what + " was cut off when the connection failed"
                            + " over to " + link.transport().address() + "; it may not have taken effect: retry it"));
                    case ROLLED_BACK -> result.completeExceptionally(lost.maybeDelivered()
                            ? new JMSException("the connection failed over to " + link.transport().address()
                                    + " while " + what + " was on its way: the broker may or may not have committed the"
                                    + " transaction (outcome unknown). Check before you retry it", "TRANSACTION_OUTCOME_UNKNOWN")
                            : new jakarta.jms.TransactionRolledBackException("the connection failed over to "
                                    + link.transport().address() + " during the transaction, so it was rolled back; retry it"));
                }
            });
        });
    }

    /** {@link #request} and wait for the answer. */
    Frame call(Frame frame, Runnable onAnswer, AfterFailover policy, long generation, String what) throws JMSException {
        return await(request(frame, onAnswer, policy, generation, what, true), what);
    }

    /** {@link #request} and wait for the answer. */
    Frame call(Frame frame, AfterFailover policy, String what) throws JMSException {
        return call(frame, null, policy, -1, what);
    }

    /**
     * Applies {@code change} to the connection's state and tells the broker in one step, so that a
     * failover either re-creates the change or carries the request to the new broker; waits for
     * the answer. The request is {@link AfterFailover#DONE done} by a failover.
     */
    Frame changeState(Runnable change, Frame frame, String what) throws JMSException {
        return changeState(() -> {
            change.run();
            return frame;
        }, what);
    }

    /** {@link #changeState(Runnable, Frame, String)}, where the change also makes the request. */
    Frame changeState(java.util.function.Supplier<Frame> change, String what) throws JMSException {
        CompletableFuture<Frame> answer;
        synchronized (stateLock) {
            answer = request(change.get(), null, AfterFailover.DONE, -1, what, true);
        }
        return await(answer, what);
    }

    /**
     * Waits for an answer from {@link #request}: the request timeout, stretched by the reconnect
     * timeout while a failover is under way. An ERROR answer becomes the matching JMS exception.
     */
    Frame await(CompletableFuture<Frame> answer, String what) throws JMSException {
        long generation = link.generation();
        try {
            try {
                link.transport().get(answer, settings.requestTimeout());
            } catch (TimeoutException e) {
                if (!failoverEnabled() || !reconnecting && link.generation() == generation) {
                    throw e;
                }
                answer.get(settings.reconnect().timeout() + settings.requestTimeout(), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            throw new JMSException("no answer from " + link.transport().address() + " to " + what + " within "
                    + settings.requestTimeout() + " ms; raise requestTimeout or check the broker");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while waiting for " + what);
        } catch (ExecutionException e) {
            throw JmsExceptionSupport.toJms(e.getCause());
        }
        Frame f = answer.getNow(null);
        if (f instanceof ErrorFrame error) {
            throw JmsExceptionSupport.fromError(error);
        }
        return f;
    }

    /**
     * Waits until a connection of a generation after {@code generation} is in use (a failover
     * finished), at most the reconnect timeout.
     *
     * @throws JMSException if reconnecting gave up, the connection closed, or it took too long
     */
    void awaitFailover(long generation) throws JMSException {
        try {
            afterFailover(generation).get(settings.reconnect().timeout() + settings.requestTimeout(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new JMSException("the connection did not fail over within " + settings.reconnect().timeout() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while waiting for a failover");
        } catch (ExecutionException e) {
            throw JmsExceptionSupport.toJms(e.getCause());
        }
    }

    /** Completes once the connection of a generation after {@code generation} is in use; fails if reconnecting gave up. */
    private CompletableFuture<Void> afterFailover(long generation) {
        synchronized (linkLock) {
            if (link.generation() > generation) {
                return CompletableFuture.completedFuture(null);
            }
            if (closed.get()) {
                return CompletableFuture.failedFuture(new IllegalStateException("The connection is closed"));
            }
            if (failed) {
                return CompletableFuture.failedFuture(new JMSException("the connection to the broker was lost and"
                        + " reconnecting failed"));
            }
            return nextLink;
        }
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
                            + " (its max-size-bytes, or the broker's global.max.size). The message was not sent; retry later");
                }
                // The broker's word that the address has room again must be read promptly.
                receiversWaiting.incrementAndGet();
                try {
                    link.transport().wantReader();
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(blockedAddresses, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JMSException("interrupted while waiting for room in address " + address);
                } finally {
                    receiversWaiting.decrementAndGet();
                }
            }
        }
    }

    int requestTimeout() {
        return settings.requestTimeout();
    }

    /** How long a caller may wait for an answer: the request timeout, plus the reconnect timeout with failover on. */
    long answerTimeout() {
        return settings.requestTimeout() + (failoverEnabled() ? settings.reconnect().timeout() : 0);
    }

    int prefetch() {
        return settings.prefetch();
    }

    /** Body size above which a message is sent as a large message (the factory's largeMessageThreshold). */
    int largeMessageThreshold() {
        return settings.largeMessageThreshold();
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
            JMSException why = lostBecause;
            IllegalStateException e = new IllegalStateException("The connection to " + link.transport().address() + " is lost"
                    + (why == null || why.getMessage() == null ? "" : ": " + why.getMessage()));
            if (why != null) {
                e.setLinkedException(why);
                e.initCause(why);
            }
            throw e;
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
        try {
            changeState(() -> sessions.add(session), session.createFrame(), "CREATE_SESSION");
        } catch (JMSException | RuntimeException e) {
            sessions.remove(session);
            throw e;
        }
        if (started) {
            session.start();
        }
        return session;
    }

    /** Who this connection talks to, for XAResource.isSameRM: the broker's address and name. */
    String brokerIdentity() {
        return link.transport().address() + "/" + brokerName;
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
        changeState(() -> { }, new SetClientIdFrame(id), "SET_CLIENT_ID");
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
                changeState(() -> started = true, new FlowFrame(true), "FLOW");
            }
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
                changeState(() -> started = false, new FlowFrame(false), "FLOW");
            }
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
        // A connection between brokers (or past saving) closes locally; a failover under way stops.
        boolean tellBroker;
        CompletableFuture<Void> waiting;
        synchronized (linkLock) {
            tellBroker = !reconnecting && !failed && link.transport().isOpen();
            waiting = nextLink;
        }
        waiting.completeExceptionally(new IllegalStateException("The connection is closed"));
        JMSException first = null;
        for (JmsSession s : sessions) {
            try {
                s.closeFromConnection(tellBroker);
            } catch (JMSException e) {
                first = first == null ? e : first;
            }
        }
        Transport transport = link.transport();
        if (transport.isOpen() && !failed) {
            try {
                transport.call(new DisconnectFrame(), settings.requestTimeout(), "DISCONNECT");
            } catch (JMSException e) {
                LOG.debug("disconnect from {} failed: {}", transport.address(), e.getMessage());
            }
        }
        transport.close();
        callbacks.shutdown();
        // A connection lost while it closed (the broker died, not yet noticed) is closed all the same.
        if (first != null && !failed && !(first instanceof ConnectionLostException)) {
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
        try {
            changeState(() -> temporaries.add(d), new CreateTempDestinationFrame(d.toWire()), "CREATE_TEMP_DESTINATION");
        } catch (JMSException | RuntimeException e) {
            temporaries.remove(d);
            throw e;
        }
        return d;
    }

    @Override
    public void deleteTemporaryDestination(JmsDestination destination) throws JMSException {
        checkClosed();
        changeState(() -> temporaries.remove(destination), new DeleteTempDestinationFrame(destination.toWire()),
                "DELETE_TEMP_DESTINATION");
    }

    // ---- events from the reading thread (see Transport) ----

    private final class Events implements Transport.Listener {
        private final Link of;

        Events(Link of) {
            this.of = of;
        }

        @Override
        public void onDeliver(DeliverFrame deliver, dev.wharf.jms.message.LargeBodyFile largeBody, int credits) {
            JmsMessageConsumer c = consumers.get(deliver.consumerId());
            if (c != null) {
                c.onDeliver(deliver, of.generation(), largeBody, credits);
            } else if (largeBody != null) {
                largeBody.delete();
            }
        }

        @Override
        public void onUnsolicitedError(ErrorFrame error) {
            LOG.warn("broker {} reported: {} {}", of.transport().address(), error.code(), error.message());
            JMSException e = JmsExceptionSupport.fromError(error);
            if (error.code() == ErrorCode.SECURITY) {
                refusedCredentials = e;
            }
            notifyListener(e);
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
            connectionLost(of, cause);
        }

        @Override
        public boolean expectsDeliveries() {
            if (receiversWaiting.get() > 0) {
                return true;
            }
            for (JmsMessageConsumer c : consumers.values()) {
                if (c.hasMessageListener()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** On the reading thread: the TCP connection of {@code lost} is gone. */
    private void connectionLost(Link lost, JMSException cause) {
        synchronized (blockedAddresses) {
            blockedAddresses.clear();
            blockedAddresses.notifyAll();
        }
        if (closed.get()) {
            return;
        }
        JMSException refused = refusedCredentials;
        if (refused != null) {
            // The ExceptionListener heard why already: the broker's JMSSecurityException.
            giveUp(refused, false);
            return;
        }
        if (!failoverEnabled()) {
            giveUp(cause);
            return;
        }
        synchronized (linkLock) {
            if (link != lost || reconnecting || failed) {
                return;
            }
            reconnecting = true;
        }
        LOG.warn("lost the connection to {}; reconnecting to one of {}", lost.transport().address(), settings.addresses());
        Thread t = new Thread(() -> reconnect(lost, cause), "wharf-reconnect-" + connectionId);
        t.setDaemon(true);
        t.start();
    }

    /** The connection is lost for good: consumers stop waiting and the ExceptionListener hears of it. */
    private void giveUp(JMSException cause) {
        giveUp(cause, true);
    }

    /** As {@link #giveUp(JMSException)}, telling the ExceptionListener only if {@code tell}. */
    private void giveUp(JMSException cause, boolean tell) {
        CompletableFuture<Void> waiting;
        synchronized (linkLock) {
            lostBecause = cause;
            failed = true;
            reconnecting = false;
            waiting = nextLink;
        }
        waiting.completeExceptionally(cause);
        started = false;
        for (JmsMessageConsumer c : consumers.values()) {
            c.onConnectionLost();
        }
        if (tell) {
            notifyListener(cause);
        }
    }

    /**
     * On the reconnect thread: tries every address, attempt after attempt, until one accepts the
     * connection and its state is re-created there, or the attempts or the time run out.
     */
    private void reconnect(Link lost, JMSException cause) {
        WharfConnectionFactory.Reconnect r = settings.reconnect();
        long started0 = System.nanoTime();
        long deadline = started0 + TimeUnit.MILLISECONDS.toNanos(r.timeout());
        long generation = lost.generation() + 1;
        synchronized (stateLock) {
            for (JmsSession s : sessions) {
                s.failedOver(generation);
            }
        }
        JMSException last = cause;
        long pause = r.interval();
        for (int attempt = 1; r.attempts() < 0 || attempt <= r.attempts(); attempt++) {
            for (WharfConnectionFactory.Address a : settings.addresses()) {
                if (closed.get() || System.nanoTime() - deadline > 0) {
                    break;
                }
                Transport t = null;
                try {
                    t = Transport.connect(a.host(), a.port(), settings.connectTimeout(), settings.heartbeat());
                    Link next = new Link(t, generation);
                    t.setListener(new Events(next));
                    ConnectedFrame connected = (ConnectedFrame) t.call(new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT,
                            settings.user(), settings.password(), clientId, settings.heartbeat().ttlMillis()), settings.requestTimeout(),
                            "CONNECT");
                    CompletableFuture<Void> waiting;
                    synchronized (stateLock) {
                        restore(t);
                        synchronized (linkLock) {
                            if (closed.get()) {
                                t.close();
                                return;
                            }
                            link = next;
                            reconnecting = false;
                            waiting = nextLink;
                            nextLink = new CompletableFuture<>();
                        }
                    }
                    brokerName = connected.brokerName();
                    LOG.info("connection {} failed over to {} ({}) in {} ms", connectionId, t.address(), brokerName,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started0));
                    waiting.complete(null);
                    for (JmsSession s : sessions) {
                        s.start();
                    }
                    if (!t.isOpen()) {
                        connectionLost(next, new JMSException("lost the connection to " + t.address()));
                    }
                    return;
                } catch (JMSException | RuntimeException e) {
                    last = JmsExceptionSupport.toJms(e);
                    LOG.debug("reconnect attempt {} to {} failed: {}", attempt, a, e.getMessage());
                    if (t != null) {
                        t.close();
                    }
                    if (last instanceof JMSSecurityException) {
                        // The credentials will not get better by trying again.
                        break;
                    }
                }
            }
            if (closed.get() || System.nanoTime() - deadline > 0 || last instanceof JMSSecurityException) {
                break;
            }
            try {
                Thread.sleep(Math.max(0, Math.min(pause, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause = Math.min((long) (pause * r.backoff()), r.maxInterval());
        }
        if (closed.get()) {
            return;
        }
        JMSException gaveUp = last instanceof JMSSecurityException
                ? new JMSSecurityException("lost the connection to " + lost.transport().address() + ", and "
                        + "reconnecting was refused: " + last.getMessage(), last.getErrorCode())
                : new JMSException("lost the connection to " + lost.transport().address() + " and could not"
                + " reconnect to any of " + settings.addresses() + " within " + r.timeout() + " ms"
                + (r.attempts() > 0 ? " or " + r.attempts() + " attempts" : "") + ": " + last.getMessage());
        gaveUp.setLinkedException(last);
        gaveUp.initCause(last);
        LOG.warn("connection {}: {}", connectionId, gaveUp.getMessage());
        giveUp(gaveUp);
    }

    /**
     * Under the state lock, on a new connection not yet in use: re-creates temporary destinations,
     * sessions, producers and consumers, and restarts delivery. A refusal of one of them (say, a
     * durable subscription another client took meanwhile) is logged and the rest carry on; a lost
     * connection fails the whole attempt.
     */
    private void restore(Transport t) throws JMSException {
        for (JmsDestination d : temporaries) {
            restoreOne(t, new CreateTempDestinationFrame(d.toWire()), "CREATE_TEMP_DESTINATION " + d);
        }
        for (JmsSession s : sessions) {
            s.restore(t);
        }
        if (started) {
            t.call(new FlowFrame(true), settings.requestTimeout(), "FLOW");
        }
    }

    /** Sends one re-creating request of a failover; see {@link #restore}. */
    void restoreOne(Transport t, Frame frame, String what) throws JMSException {
        try {
            t.call(frame, settings.requestTimeout(), what);
        } catch (ConnectionLostException e) {
            throw e;
        } catch (JMSException e) {
            LOG.warn("connection {}: after the failover to {} the broker refused {}: {}", connectionId, t.address(), what,
                    e.getMessage());
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
        return "JmsConnection[" + connectionId + " to " + link.transport().address() + "]";
    }
}
