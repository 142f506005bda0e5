package dev.wharf.server.internal.core;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.Frame;
import dev.wharf.protocol.MalformedFrame;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.ProtocolVersion;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.AckFrame;
import dev.wharf.protocol.frame.AddressFlowFrame;
import dev.wharf.protocol.frame.BrowseBatchFrame;
import dev.wharf.protocol.frame.BrowseNextFrame;
import dev.wharf.protocol.frame.CloseBrowserFrame;
import dev.wharf.protocol.frame.CloseConsumerFrame;
import dev.wharf.protocol.frame.CloseProducerFrame;
import dev.wharf.protocol.frame.CloseSessionFrame;
import dev.wharf.protocol.frame.CommitFrame;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.ConnectedFrame;
import dev.wharf.protocol.frame.CreateBrowserFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.CreateProducerFrame;
import dev.wharf.protocol.frame.CreateSessionFrame;
import dev.wharf.protocol.frame.CreateTempDestinationFrame;
import dev.wharf.protocol.frame.CreditFrame;
import dev.wharf.protocol.frame.DeleteTempDestinationFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.DisconnectFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.FlowFrame;
import dev.wharf.protocol.frame.LargeDeliverFrame;
import dev.wharf.protocol.frame.LargeSendFrame;
import dev.wharf.server.SecuritySettings.Permission;
import dev.wharf.server.internal.security.UserStore;
import dev.wharf.protocol.frame.OkFrame;
import dev.wharf.protocol.frame.PingFrame;
import dev.wharf.protocol.frame.PongFrame;
import dev.wharf.protocol.frame.PullFrame;
import dev.wharf.protocol.frame.RecoverFrame;
import dev.wharf.protocol.frame.RollbackFrame;
import dev.wharf.protocol.frame.SendFrame;
import dev.wharf.protocol.frame.SetClientIdFrame;
import dev.wharf.protocol.frame.UnsubscribeFrame;
import dev.wharf.protocol.frame.XaFrame;
import dev.wharf.protocol.frame.XaResultFrame;
import dev.wharf.server.selector.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection as the broker sees it: handles every frame the client sends (see each
 * frame's javadoc and the conversation rules) and owns the connection's sessions, consumers,
 * browsers, unacknowledged deliveries and temporary destinations.
 *
 * <p>Answers: a request with a non-zero correlation id gets OK or ERROR with the same id; a
 * failed SEND with correlation id 0 gets ERROR with id 0. A refused request
 * ({@link BrokerException}) gets ERROR with its code; an unexpected exception gets
 * INTERNAL_ERROR and is logged; neither affects other clients.
 *
 * <p>Not thread-safe; confined to the broker thread. Journal completions are hopped back to it
 * through {@code executor} before they touch state or answer.
 */
public final class BrokerConnection implements DeliveryTarget {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerConnection.class);

    private final Broker broker;
    private final FrameSink sink;
    private final Executor executor;
    private final String connectionId;
    private String clientId;
    private String username;
    private Set<String> roles = Set.of();
    /** The last destination a send to was allowed, so a producer's sends skip the check. */
    private WireDestination allowedSend;
    private boolean connecting;
    private boolean connected;
    private boolean closed;
    private long nextDeliveryId;

    private final Map<Long, ServerSession> sessions = new LinkedHashMap<>();
    private final Map<Long, ConsumerEntry> consumers = new LinkedHashMap<>();
    /** Whether the client started the connection (FLOW); a connection begins stopped. */
    private boolean started;
    private final Map<Long, BrowserEntry> browsers = new HashMap<>();
    private final Map<Long, Delivery> deliveries = new LinkedHashMap<>();
    private final Set<WireDestination> temporaries = new LinkedHashSet<>();

    private record ConsumerEntry(Consumer consumer, ServerSession session, Subscription subscription) {
    }

    private static final class BrowserEntry {
        final Queue queue;
        final Selector selector;
        MessageRef cursor;

        BrowserEntry(Queue queue, Selector selector) {
            this.queue = queue;
            this.selector = selector;
        }
    }

    /**
     * @param executor runs tasks on the broker thread
     */
    public BrokerConnection(Broker broker, FrameSink sink, Executor executor) {
        this.broker = broker;
        this.sink = sink;
        this.executor = executor;
        this.connectionId = broker.newConnectionId();
    }

    public String connectionId() {
        return connectionId;
    }

    /** The client id, or null. */
    public String clientId() {
        return clientId;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Unacknowledged deliveries (tests). */
    public int unacknowledgedCount() {
        return deliveries.size();
    }

    // ------------------------------------------------------------------ entry points

    /** Handles what the decoder produced: a {@link Packet} or a {@link MalformedFrame}. */
    public void handle(Object message) {
        if (closed) {
            return;
        }
        if (message instanceof MalformedFrame bad) {
            LOG.debug("Connection {}: malformed frame: {}", connectionId, bad.reason());
            sink.send(new Packet(bad.correlationId(), new ErrorFrame(bad.code(), bad.reason())));
            if (bad.fatal() || !connected) {
                closeTransport();
            }
            return;
        }
        Packet packet = (Packet) message;
        long corr = packet.correlationId();
        try {
            if (!connected) {
                if (packet.frame() instanceof ConnectFrame connect && !connecting) {
                    onConnect(corr, connect);
                } else {
                    error(corr, ErrorCode.PROTOCOL_ERROR, "the first frame must be CONNECT, not " + packet.frame().type());
                    closeTransport();
                }
                return;
            }
            dispatch(corr, packet.frame());
        } catch (BrokerException e) {
            error(corr, e.getMessage() == null ? ErrorCode.JMS : e.code(), e.getMessage(), packet.frame());
        } catch (RuntimeException e) {
            LOG.error("Connection {}: internal error handling {}", connectionId, packet.frame().type(), e);
            error(corr, ErrorCode.INTERNAL_ERROR, "internal broker error handling " + packet.frame().type() + ": " + e, packet.frame());
        }
    }

    /** The transport closed (cleanly or not): release everything the connection held. */
    public void transportClosed() {
        cleanup();
    }

    private void dispatch(long corr, Frame frame) throws BrokerException {
        switch (frame.type()) {
            case CONNECT -> error(corr, ErrorCode.PROTOCOL_ERROR, "the connection is already established");
            case SET_CLIENT_ID -> onSetClientId(corr, (SetClientIdFrame) frame);
            case DISCONNECT -> onDisconnect(corr, (DisconnectFrame) frame);
            case PING -> onPing(corr, (PingFrame) frame);
            case FLOW -> onFlow(corr, (FlowFrame) frame);
            case PONG, OK -> { }
            case CREATE_SESSION -> onCreateSession(corr, (CreateSessionFrame) frame);
            case CLOSE_SESSION -> onCloseSession(corr, (CloseSessionFrame) frame);
            case CREATE_PRODUCER -> onCreateProducer(corr, (CreateProducerFrame) frame);
            case CLOSE_PRODUCER -> onCloseProducer(corr, (CloseProducerFrame) frame);
            case SEND -> onSend(corr, (SendFrame) frame);
            case CREATE_CONSUMER -> onCreateConsumer(corr, (CreateConsumerFrame) frame);
            case CLOSE_CONSUMER -> onCloseConsumer(corr, (CloseConsumerFrame) frame);
            case CREDIT -> onCredit((CreditFrame) frame);
            case PULL -> onPull(corr, (PullFrame) frame);
            case ACK -> onAck(corr, (AckFrame) frame);
            case RECOVER -> onRecover(corr, (RecoverFrame) frame);
            case COMMIT -> onCommit(corr, (CommitFrame) frame);
            case ROLLBACK -> onRollback(corr, (RollbackFrame) frame);
            case CREATE_BROWSER -> onCreateBrowser(corr, (CreateBrowserFrame) frame);
            case BROWSE_NEXT -> onBrowseNext(corr, (BrowseNextFrame) frame);
            case CLOSE_BROWSER -> onCloseBrowser(corr, (CloseBrowserFrame) frame);
            case CREATE_TEMP_DESTINATION -> onCreateTemp(corr, (CreateTempDestinationFrame) frame);
            case DELETE_TEMP_DESTINATION -> onDeleteTemp(corr, (DeleteTempDestinationFrame) frame);
            case UNSUBSCRIBE -> onUnsubscribe(corr, (UnsubscribeFrame) frame);
            case XA -> onXa(corr, (XaFrame) frame);
            default -> error(corr, ErrorCode.PROTOCOL_ERROR, "a client may not send " + frame.type() + " frames");
        }
    }

    // ------------------------------------------------------------------ connection

    private void onConnect(long corr, ConnectFrame f) {
        if (connecting) {
            refuse(corr, ErrorCode.PROTOCOL_ERROR, "CONNECT sent twice");
            return;
        }
        if (f.magic() != ConnectFrame.MAGIC) {
            refuse(corr, ErrorCode.PROTOCOL_ERROR, String.format("bad magic 0x%08x (expected: 0x%08x); is the peer a Wharf client?",
                    f.magic(), ConnectFrame.MAGIC));
            return;
        }
        if (f.version() < 1) {
            refuse(corr, ErrorCode.UNSUPPORTED_VERSION, "protocol version " + f.version() + " is not supported (this broker speaks "
                    + ProtocolVersion.CURRENT + ")");
            return;
        }
        connecting = true;
        if (broker.users() == null) {
            finishConnect(corr, f, true);
            return;
        }
        // PBKDF2 is slow on purpose: check the password off the broker thread, then come back.
        UserStore checkedBy = broker.users();
        CompletableFuture.supplyAsync(() -> checkedBy.authenticate(f.username(), f.password()))
                .whenCompleteAsync((ok, e) -> {
                    if (e != null) {
                        LOG.error("Connection {}: authentication failed with an error", connectionId, e);
                    }
                    // The users file may have been read again meanwhile: the user must still be there, unchanged.
                    UserStore now = broker.users();
                    finishConnect(corr, f, e == null && ok && (now == checkedBy || checkedBy.sameCredentials(f.username(), now)));
                }, executor);
    }

    private void finishConnect(long corr, ConnectFrame f, boolean authenticated) {
        if (closed) {
            return;
        }
        if (!authenticated) {
            LOG.info("Connection {} from {}: authentication failed for user '{}'", connectionId, sink.remoteAddress(), f.username());
            refuse(corr, ErrorCode.SECURITY, f.username() == null ? "this broker requires a user name and password"
                    : "wrong user name or password for user '" + f.username() + "'");
            return;
        }
        if (f.clientId() != null) {
            try {
                broker.claimClientId(this, f.clientId());
            } catch (BrokerException e) {
                refuse(corr, e.code(), e.getMessage());
                return;
            }
            clientId = f.clientId();
        }
        username = f.username();
        roles = broker.users() == null ? Set.of() : broker.users().roles(username);
        connected = true;
        broker.register(this);
        LOG.debug("Connection {} from {} connected (user {}, client id {})", connectionId, sink.remoteAddress(), username, clientId);
        BrokerSettings s = broker.settings();
        sink.send(new Packet(corr, new ConnectedFrame(Math.min(f.version(), ProtocolVersion.CURRENT), connectionId,
                s.brokerName(), s.brokerVersion(), s.maxFrameSize())));
    }

    private void refuse(long corr, ErrorCode code, String message) {
        sink.send(new Packet(corr, new ErrorFrame(code, message)));
        closeTransport();
    }

    private void onSetClientId(long corr, SetClientIdFrame f) throws BrokerException {
        if (clientId != null) {
            if (clientId.equals(f.clientId())) {
                ok(corr);
                return;
            }
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "the client id is already set to '" + clientId + "'");
        }
        broker.claimClientId(this, f.clientId());
        clientId = f.clientId();
        ok(corr);
    }

    private void onDisconnect(long corr, DisconnectFrame f) {
        cleanup();
        ok(corr);
        sink.close();
    }

    private void onPing(long corr, PingFrame f) {
        sink.send(new Packet(corr, new PongFrame()));
    }

    // ------------------------------------------------------------------ sessions and producers

    private ServerSession session(long id) throws BrokerException {
        ServerSession s = sessions.get(id);
        if (s == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "session " + id + " does not exist (closed?)");
        }
        return s;
    }

    private void onCreateSession(long corr, CreateSessionFrame f) throws BrokerException {
        if (f.ackMode() < 0 || f.ackMode() > 3) {
            throw new BrokerException(ErrorCode.JMS, "ackMode: " + f.ackMode() + " (expected: 0..3)");
        }
        if (sessions.containsKey(f.sessionId())) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "session " + f.sessionId() + " already exists");
        }
        sessions.put(f.sessionId(), new ServerSession(f.sessionId(), f.ackMode()));
        ok(corr);
    }

    private void onCloseSession(long corr, CloseSessionFrame f) {
        ServerSession s = sessions.remove(f.sessionId());
        if (s != null) {
            closeSession(s);
        }
        ok(corr);
    }

    /** Closes consumers and browsers, drops staged sends, returns unacknowledged deliveries redelivered. */
    private void closeSession(ServerSession s) {
        for (Long id : List.copyOf(s.consumerIds())) {
            closeConsumer(id);
        }
        for (Long id : s.browserIds()) {
            browsers.remove(id);
        }
        broker.discardUnused(s.staged());
        s.staged().clear();
        // An XA association the session still has (active or suspended) fails: its branch is rollback-only.
        broker.xa().sessionClosed(s);
        s.xid(null);
        List<MessageRef> back = new ArrayList<>();
        for (Iterator<Delivery> it = deliveries.values().iterator(); it.hasNext(); ) {
            Delivery d = it.next();
            if (d.session() == s) {
                it.remove();
                back.add(d.ref());
            }
        }
        broker.returnRefs(back, true);
    }

    private void onCreateProducer(long corr, CreateProducerFrame f) throws BrokerException {
        ServerSession s = session(f.sessionId());
        if (f.destination() != null) {
            // Checked first: a user who may not send there does not get the queue created either.
            authorizeSend(f.destination());
            broker.checkDestination(f.destination());
        }
        s.producerIds().add(f.producerId());
        ok(corr);
    }

    private void onCloseProducer(long corr, CloseProducerFrame f) {
        for (ServerSession s : sessions.values()) {
            s.producerIds().remove(f.producerId());
        }
        ok(corr);
    }

    private void onSend(long corr, SendFrame f) throws BrokerException {
        ServerSession s = session(f.sessionId());
        if (f.message().destination() != null) {
            authorizeSend(f.message().destination());
        }
        StoredMessage m = new StoredMessage(f.message(), connectionId, clientId);
        if (s.isTransacted()) {
            broker.validateStaged(m);
            if (broker.admitStaged(this, s.staged(), m)) {
                s.staged().add(m);
            }
            ok(corr);
            return;
        }
        switch (broker.admit(this, corr, m)) {
            case SEND -> replyWhenDone(corr, broker.send(m), ErrorCode.INTERNAL_ERROR, true);
            case DROPPED -> ok(corr);
            case HELD -> { }
        }
    }

    /** A send held while its address was full may go now. */
    void sendHeld(long corr, StoredMessage m) {
        if (closed) {
            m.discardIfUnused();
            return;
        }
        try {
            CompletableFuture<Void> stored = broker.send(m);
            m.discardIfUnused();
            replyWhenDone(corr, stored, ErrorCode.INTERNAL_ERROR, true);
        } catch (BrokerException e) {
            m.discardIfUnused();
            sink.send(new Packet(corr, new ErrorFrame(e.code(), e.getMessage())));
        }
    }

    /**
     * A large message whose body has arrived and is forced to its file ({@code body}, held once
     * for this send): handled like a SEND frame ({@link #onSend}), answered with {@code corr} (the
     * correlation id of its BODY_END). A send that is refused, dropped or reaches no queue gives
     * its file back.
     */
    public void onLargeSend(long corr, LargeSendFrame f, dev.wharf.server.internal.store.LargeBody body) {
        StoredMessage m = new StoredMessage(f.message().withBody(null), connectionId, clientId, body);
        if (closed) {
            m.discardIfUnused();
            return;
        }
        try {
            ServerSession s = session(f.sessionId());
            if (m.wire().destination() != null) {
                authorizeSend(m.wire().destination());
            }
            if (s.isTransacted()) {
                broker.validateStaged(m);
                if (broker.admitStaged(this, s.staged(), m)) {
                    s.staged().add(m);
                } else {
                    m.discardIfUnused();
                }
                ok(corr);
                return;
            }
            switch (broker.admit(this, corr, m)) {
                case SEND -> {
                    CompletableFuture<Void> stored = broker.send(m);
                    m.discardIfUnused();
                    replyWhenDone(corr, stored, ErrorCode.INTERNAL_ERROR, true);
                }
                case DROPPED -> {
                    m.discardIfUnused();
                    ok(corr);
                }
                case HELD -> { }
            }
        } catch (BrokerException e) {
            m.discardIfUnused();
            error(corr, e.getMessage() == null ? ErrorCode.JMS : e.code(), e.getMessage(), null);
        } catch (RuntimeException e) {
            m.discardIfUnused();
            LOG.error("Connection {}: internal error handling a large message", connectionId, e);
            error(corr, ErrorCode.INTERNAL_ERROR, "internal broker error handling a large message: " + e, null);
        }
    }

    /** A large message could not be received (bad stream, disk error): answers its BODY_END. */
    public void largeSendFailed(long corr, ErrorCode code, String message) {
        if (!closed) {
            LOG.warn("Connection {}: large message refused: {}", connectionId, message);
            error(corr, code, message, null);
        }
    }

    /** A send held while its address was full stayed held too long. */
    void failHeld(long corr, String message) {
        if (!closed) {
            sink.send(new Packet(corr, new ErrorFrame(ErrorCode.RESOURCE_ALLOCATION, message)));
        }
    }

    /** Tells the client to hold (or resume) its sends to {@code address}. */
    void addressFlow(WireDestination address, boolean blocked) {
        if (!closed) {
            sink.send(new Packet(0, new AddressFlowFrame(address, blocked)));
        }
    }

    // ------------------------------------------------------------------ consumers

    private void onCreateConsumer(long corr, CreateConsumerFrame f) throws BrokerException {
        ServerSession s = session(f.sessionId());
        if (consumers.containsKey(f.consumerId())) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "consumer " + f.consumerId() + " already exists");
        }
        if (f.prefetch() < 0) {
            throw new BrokerException(ErrorCode.JMS, "prefetch: " + f.prefetch() + " (expected: >= 0)");
        }
        WireDestination d = f.destination();
        if (d == null) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "a consumer needs a destination");
        }
        Consumer consumer;
        Subscription subscription = null;
        CompletableFuture<Void> stored = CompletableFuture.completedFuture(null);
        if (d.isQueue()) {
            if (f.subscriptionKind() != SubscriptionKind.NONE) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "a " + f.subscriptionKind()
                        + " subscription needs a topic, not " + d);
            }
            authorize(Permission.CONSUME, d);
            Queue q = broker.queue(d, this);
            Selector selector = SelectorSupport.parse(f.selector());
            consumer = new Consumer(f.consumerId(), connectionId, q, selector, f.prefetch(), this);
        } else {
            authorize(Permission.CONSUME, d);
            Topic t = broker.topic(d, this);
            Broker.Subscribed sub = broker.subscribe(this, t, f.subscriptionKind(), f.subscriptionName(), f.selector(),
                    f.noLocal(), f.consumerId());
            subscription = sub.subscription();
            stored = sub.stored();
            consumer = new Consumer(f.consumerId(), connectionId, subscription.queue(),
                    Selector.ALL, f.prefetch(), this);
        }
        consumer.started(started);
        consumers.put(f.consumerId(), new ConsumerEntry(consumer, s, subscription));
        s.consumerIds().add(f.consumerId());
        // Answer first, then attach: the client learns of the consumer before its first DELIVER.
        Consumer c = consumer;
        whenDone(stored, () -> {
            ok(corr);
            if (!c.isClosed()) {
                c.queue().addConsumer(c);
            }
        }, e -> {
            error(corr, ErrorCode.INTERNAL_ERROR, "could not store the subscription: " + e);
            closeConsumer(c.id());
        });
    }

    private void onCloseConsumer(long corr, CloseConsumerFrame f) {
        ConsumerEntry entry = consumers.get(f.consumerId());
        if (entry != null) {
            closeConsumer(f.consumerId());
            giveBack(corr, null, new long[0], f.releasedDeliveryIds());
        } else {
            ok(corr);
        }
    }

    private void closeConsumer(long consumerId) {
        ConsumerEntry entry = consumers.remove(consumerId);
        if (entry == null) {
            return;
        }
        entry.session().consumerIds().remove(consumerId);
        entry.consumer().close();
        if (entry.subscription() != null) {
            broker.consumerClosed(entry.subscription());
        }
    }

    private Consumer consumer(long id) throws BrokerException {
        ConsumerEntry entry = consumers.get(id);
        if (entry == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "consumer " + id + " does not exist (closed?)");
        }
        return entry.consumer();
    }

    /** Connection.start() or stop(): only a started connection's consumers are handed messages. */
    private void onFlow(long corr, FlowFrame f) {
        started = f.started();
        ok(corr);
        for (ConsumerEntry entry : List.copyOf(consumers.values())) {
            entry.consumer().started(started);
        }
    }

    private void onCredit(CreditFrame f) {
        ConsumerEntry entry = consumers.get(f.consumerId());
        if (entry != null) {
            entry.consumer().addCredit(f.credits());
        }
    }

    private void onPull(long corr, PullFrame f) throws BrokerException {
        consumer(f.consumerId()).pull(corr, f.timeoutMillis(), broker.scheduler());
    }

    @Override
    public void deliver(Consumer consumer, MessageRef ref) {
        deliver(consumer, ref, 1);
    }

    @Override
    public void deliver(Consumer consumer, MessageRef ref, int credits) {
        ConsumerEntry entry = consumers.get(consumer.id());
        long id = ++nextDeliveryId;
        deliveries.put(id, new Delivery(id, ref, consumer, entry == null ? null : entry.session(), broker.clock().millis(),
                credits));
        StoredMessage m = ref.message();
        if (m.isLarge()) {
            sink.sendLarge(new Packet(0, new LargeDeliverFrame(consumer.id(), id, ref.deliveryCount(), credits,
                    m.large().length(), m.wire())), m.large(), id);
            return;
        }
        sink.send(new Packet(0, new DeliverFrame(consumer.id(), id, ref.deliveryCount(), m.fullWire())));
    }

    @Override
    public void pullDone(Consumer consumer, long correlationId) {
        ok(correlationId);
    }

    // ------------------------------------------------------------------ acknowledgements

    private void onAck(long corr, AckFrame f) {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (long id : f.deliveryIds()) {
            Delivery d = deliveries.remove(id);
            if (d != null) {
                // Forced only when somebody waits for the answer to say it is on disk.
                futures.add(broker.acknowledge(d.ref(), corr != 0 && f.force()));
            }
        }
        replyWhenDone(corr, CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])), ErrorCode.INTERNAL_ERROR, false);
    }

    private void onRecover(long corr, RecoverFrame f) throws BrokerException {
        giveBack(corr, session(f.sessionId()), f.redeliverIds(), f.releasedIds());
    }

    /**
     * Takes deliveries back and returns them to their queues in one batch (so they keep their
     * original order): {@code redeliverIds} with a raised delivery count, {@code releasedIds}
     * (never seen by the application) unchanged and with their consumer's credit restored. The
     * answer to the request goes out before the queues dispatch again: every DELIVER the client
     * receives before that answer was sent before the broker took anything back (a fence the
     * client can rely on).
     *
     * <p>With {@code wholeSession} (recover, rollback) every other unacknowledged delivery of that
     * session is released too: the client listed all it consumed and acknowledges travel ahead on
     * this ordered connection, so the rest are still in flight or in its buffers, unseen. The client
     * drops whatever reaches it before the answer; the queues then redeliver in order.
     */
    private void giveBack(long corr, ServerSession wholeSession, long[] redeliverIds, long[] releasedIds) {
        for (long id : redeliverIds.length > 0 ? redeliverIds : releasedIds) {
            Delivery d = deliveries.get(id);
            if (d != null && !d.consumer().isClosed()) {
                d.consumer().queue().preferNext(d.consumer());
                break;
            }
        }
        List<MessageRef> redeliver = take(redeliverIds, false);
        List<MessageRef> released = take(releasedIds, true);
        if (wholeSession != null) {
            for (Iterator<Delivery> it = deliveries.values().iterator(); it.hasNext(); ) {
                Delivery d = it.next();
                if (d.session() == wholeSession) {
                    it.remove();
                    d.consumer().restoreCredit(d.credits());
                    released.add(d.ref());
                }
            }
        }
        java.util.Collection<Queue> touched = broker.returnRefsQuietly(redeliver, released);
        ok(corr);
        for (Queue q : touched) {
            q.dispatch();
        }
    }

    private List<MessageRef> take(long[] ids, boolean restoreCredit) {
        List<MessageRef> refs = new ArrayList<>();
        for (long id : ids) {
            Delivery d = deliveries.remove(id);
            if (d != null) {
                if (restoreCredit) {
                    d.consumer().restoreCredit(d.credits());
                }
                refs.add(d.ref());
            }
        }
        return refs;
    }

    private void onCommit(long corr, CommitFrame f) throws BrokerException {
        ServerSession s = session(f.sessionId());
        if (!s.isTransacted()) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "session " + s.id() + " is not transacted");
        }
        List<MessageRef> acked = new ArrayList<>();
        for (long id : f.consumedIds()) {
            Delivery d = deliveries.remove(id);
            if (d != null) {
                acked.add(d.ref());
            }
        }
        CompletableFuture<Void> done = broker.commit(s.takeStaged(), acked, executor);
        whenDone(done, () -> ok(corr), e -> {
            LOG.warn("Connection {}: commit of session {} failed: {}", connectionId, s.id(), e.toString());
            broker.returnRefs(acked, true);
            ErrorCode code = ErrorCode.TRANSACTION_ROLLED_BACK;
            error(corr, code, "the transaction could not commit and was rolled back: " + describe(e));
        });
    }

    private void onRollback(long corr, RollbackFrame f) throws BrokerException {
        ServerSession s = session(f.sessionId());
        broker.discardUnused(s.staged());
        s.staged().clear();
        giveBack(corr, s, f.consumedIds(), f.releasedIds());
    }

    // ------------------------------------------------------------------ XA

    private void onXa(long corr, XaFrame f) throws BrokerException {
        XaBranches xa = broker.xa();
        try {
            if (f.op() != XaFrame.Op.RECOVER && f.xid() == null) {
                throw new XaBranches.XaException(XaBranches.XAER_INVAL, "XA " + f.op() + " needs an Xid");
            }
            switch (f.op()) {
                case START -> {
                    ServerSession s = session(f.sessionId());
                    if (!s.isTransacted()) {
                        throw new XaBranches.XaException(XaBranches.XAER_PROTO, "session " + s.id() + " is not an XA session");
                    }
                    if (s.xid() != null) {
                        throw new XaBranches.XaException(XaBranches.XAER_PROTO, "session " + s.id()
                                + " already works for XA branch " + s.xid() + "; end that first");
                    }
                    if (s.abandonedXid() != null) {
                        // A client that did not end the association its branch's rollback ended.
                        xa.endAbandoned(s, List.of());
                    }
                    xa.start(this, s, f.xid(), f.flags(), f.timeoutSeconds());
                    s.xid(f.xid());
                    xaAnswer(corr, XaBranches.XA_OK, null);
                }
                case END -> {
                    ServerSession s = session(f.sessionId());
                    boolean byClient = (f.flags() & XaFrame.ABANDONED) != 0;
                    if (byClient ? s.xid() == null : f.xid().equals(s.abandonedXid())) {
                        // The branch was rolled back while the session was still active in it.
                        xa.endAbandoned(s, take(f.consumedIds(), false));
                        if (byClient || f.flags() == XaBranches.TMFAIL) {
                            xaAnswer(corr, XaBranches.XA_OK, null);
                            return;
                        }
                        throw new XaBranches.XaException(XaBranches.XA_RBROLLBACK, "XA branch " + f.xid()
                                + " was rolled back while session " + s.id() + " was still active in it;"
                                + " what the session did in it is rolled back too");
                    }
                    if (byClient) {
                        throw new XaBranches.XaException(XaBranches.XAER_PROTO, "session " + s.id()
                                + " still works for XA branch " + s.xid() + "; end that first");
                    }
                    // The staged sends belong to the branch the session is active in; ending a
                    // suspended association (TMSUCCESS, TMFAIL) hands over only what the client lists.
                    List<StoredMessage> sends = List.of();
                    if (f.xid().equals(s.xid())) {
                        s.xid(null);
                        sends = s.takeStaged();
                    }
                    xa.end(s, f.xid(), f.flags(), sends, take(f.consumedIds(), false));
                    xaAnswer(corr, XaBranches.XA_OK, null);
                }
                case PREPARE -> xaWhenDone(corr, xa.prepare(f.xid()));
                case COMMIT -> xaWhenDone(corr, xa.commit(f.xid(), (f.flags() & XaBranches.TMONEPHASE) != 0, executor)
                        .thenApply(v -> XaBranches.XA_OK));
                case ROLLBACK -> xaWhenDone(corr, xa.rollback(f.xid(), executor).thenApply(v -> XaBranches.XA_OK));
                case RECOVER -> sink.send(new Packet(corr, new XaResultFrame(XaBranches.XA_OK, null, xa.recover())));
                case FORGET -> xa.forget(f.xid());
                default -> throw new XaBranches.XaException(XaBranches.XAER_INVAL, "unknown XA operation " + f.op());
            }
        } catch (XaBranches.XaException e) {
            xaAnswer(corr, e.code, e.getMessage());
        }
    }

    private void xaAnswer(long corr, int code, String message) {
        sink.send(new Packet(corr, new XaResultFrame(code, message, List.of())));
    }

    private void xaWhenDone(long corr, CompletableFuture<Integer> result) {
        result.whenCompleteAsync((code, e) -> {
            if (e == null) {
                xaAnswer(corr, code, null);
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof XaBranches.XaException xe) {
                xaAnswer(corr, xe.code, xe.getMessage());
            } else {
                LOG.warn("Connection {}: XA request failed: {}", connectionId, cause.toString());
                xaAnswer(corr, XaBranches.XAER_RMERR, "the broker could not complete the XA request: " + describe(cause));
            }
        }, executor);
    }

    // ------------------------------------------------------------------ browsers

    private void onCreateBrowser(long corr, CreateBrowserFrame f) throws BrokerException {
        ServerSession s = session(f.sessionId());
        if (f.queue() == null || !f.queue().isQueue()) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "a browser needs a queue, not " + f.queue());
        }
        authorize(Permission.BROWSE, f.queue());
        Queue q = broker.queue(f.queue(), null);
        Selector selector = SelectorSupport.parse(f.selector());
        browsers.put(f.browserId(), new BrowserEntry(q, selector));
        s.browserIds().add(f.browserId());
        ok(corr);
    }

    private void onBrowseNext(long corr, BrowseNextFrame f) throws BrokerException {
        BrowserEntry b = browsers.get(f.browserId());
        if (b == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "browser " + f.browserId() + " does not exist (closed?)");
        }
        int max = Math.max(1, f.max());
        List<MessageRef> refs = b.queue.browse(b.cursor, b.selector, max + 1);
        boolean more = refs.size() > max;
        if (more) {
            refs = refs.subList(0, max);
        }
        List<WireMessage> messages = new ArrayList<>(refs.size());
        for (MessageRef ref : refs) {
            StoredMessage m = ref.message();
            if (m.isLarge()) {
                // A browser's batch is one frame: a large body stays on disk, and the property says so.
                Map<String, Object> props = new LinkedHashMap<>(m.wire().properties());
                props.put(dev.wharf.protocol.WharfProperties.LARGE_BODY_OMITTED, m.large().length());
                messages.add(m.wire().withProperties(props));
            } else {
                messages.add(m.fullWire());
            }
        }
        if (!refs.isEmpty()) {
            b.cursor = refs.get(refs.size() - 1);
        }
        sink.send(new Packet(corr, new BrowseBatchFrame(messages, more)));
    }

    private void onCloseBrowser(long corr, CloseBrowserFrame f) {
        browsers.remove(f.browserId());
        for (ServerSession s : sessions.values()) {
            s.browserIds().remove(f.browserId());
        }
        ok(corr);
    }

    // ------------------------------------------------------------------ destinations

    /**
     * Throws if this connection's user may not {@code permission} on {@code d} (see
     * {@link Authorizer}); a refusal is logged.
     */
    void authorize(Permission permission, WireDestination d) throws BrokerException {
        try {
            broker.settings().authorizer().check(username, roles, permission, d);
        } catch (BrokerException e) {
            LOG.info("Connection {} from {}: refused: {}", connectionId, sink.remoteAddress(), e.getMessage());
            throw e;
        }
    }

    private void authorizeSend(WireDestination d) throws BrokerException {
        if (!d.equals(allowedSend)) {
            authorize(Permission.SEND, d);
            allowedSend = d;
        }
    }

    /** Why this connection's user may not send to {@code d}, or null if it may (for a large message's first frame). */
    public String sendRefusal(WireDestination d) {
        try {
            authorizeSend(d);
            return null;
        } catch (BrokerException e) {
            return e.getMessage();
        }
    }

    private void onCreateTemp(long corr, CreateTempDestinationFrame f) throws BrokerException {
        if (f.destination() == null) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "no destination given");
        }
        broker.createTemporary(this, f.destination());
        temporaries.add(f.destination());
        ok(corr);
    }

    private void onDeleteTemp(long corr, DeleteTempDestinationFrame f) throws BrokerException {
        if (f.destination() == null) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "no destination given");
        }
        broker.deleteTemporary(this, f.destination(), false);
        temporaries.remove(f.destination());
        ok(corr);
    }

    private void onUnsubscribe(long corr, UnsubscribeFrame f) throws BrokerException {
        if (f.name() == null) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "no subscription name given");
        }
        CompletableFuture<Void> done = broker.unsubscribe(this, f.name());
        replyWhenDone(corr, done, ErrorCode.INTERNAL_ERROR, false);
    }

    // ------------------------------------------------------------------ closing

    /** Releases everything the connection holds. Idempotent. */
    private void cleanup() {
        if (closed) {
            return;
        }
        closed = true;
        // 1. Consumers first, so nothing returned below is dispatched back to them.
        for (Long id : List.copyOf(consumers.keySet())) {
            closeConsumer(id);
        }
        browsers.clear();
        for (ServerSession s : sessions.values()) {
            broker.discardUnused(s.staged());
            s.staged().clear();
        }
        sessions.clear();
        // 2. Every unacknowledged delivery goes back, redelivered.
        List<MessageRef> back = new ArrayList<>();
        for (Delivery d : deliveries.values()) {
            back.add(d.ref());
        }
        deliveries.clear();
        broker.returnRefs(back, true);
        // 3. Temporary destinations die with their connection.
        for (WireDestination d : temporaries) {
            try {
                broker.deleteTemporary(this, d, true);
            } catch (BrokerException e) {
                LOG.warn("Connection {}: could not delete {}: {}", connectionId, d, e.getMessage());
            }
        }
        temporaries.clear();
        if (connected) {
            broker.unregister(this);
            LOG.debug("Connection {} closed", connectionId);
        }
    }

    /** Closes the transport (after a refused CONNECT or a fatal error); cleanup follows. */
    private void closeTransport() {
        cleanup();
        sink.close();
    }

    /**
     * Reports consumers that hold a message longer than their address's
     * {@code slow-consumer-threshold-ms} without acknowledging it, once per slow spell; under the
     * KILL policy closes this connection, so the messages it holds go to the other consumers.
     * Returns how many consumers became slow.
     */
    int checkSlowConsumers(long now) {
        if (closed) {
            return 0;
        }
        Map<Consumer, Delivery> oldest = new LinkedHashMap<>();
        for (Delivery d : deliveries.values()) {
            oldest.putIfAbsent(d.consumer(), d);
        }
        int newlySlow = 0;
        for (ConsumerEntry entry : consumers.values()) {
            Consumer c = entry.consumer();
            Delivery d = oldest.get(c);
            WireDestination address = d == null ? null : d.ref().message().wire().destination();
            dev.wharf.server.AddressSettings s = address == null ? null
                    : broker.settings().addressSettings().resolve(address.name());
            long threshold = s == null ? -1 : s.slowConsumerThreshold();
            boolean slowNow = threshold > 0 && now - d.deliveredAt() >= threshold;
            if (slowNow && !c.isSlow()) {
                newlySlow++;
                LOG.warn("Slow consumer {} of connection {} ({}, client id {}) on {}: holds message {} for {} ms without"
                        + " acknowledging it (slow-consumer-threshold-ms {}, policy {})", c.id(), connectionId,
                        sink.remoteAddress(), clientId, c.queue().name(), d.ref().message().wire().messageId(),
                        now - d.deliveredAt(), threshold, s.slowConsumerPolicy());
                if (s.slowConsumerPolicy() == dev.wharf.server.AddressSettings.SlowConsumerPolicy.KILL) {
                    sink.send(new Packet(0, new ErrorFrame(ErrorCode.RESOURCE_ALLOCATION, "consumer " + c.id() + " on "
                            + c.queue().name() + " held a message for " + (now - d.deliveredAt()) + " ms without"
                            + " acknowledging it; the broker closed this slow consumer's connection"
                            + " (slow-consumer-policy KILL)")));
                    c.slow(true);
                    closeTransport();
                    return newlySlow;
                }
            }
            c.slow(slowNow);
        }
        return newlySlow;
    }

    /**
     * The users file was read again (see {@link Broker#replaceUsers}): closes this connection if
     * its user is gone from {@code next} or has another password, else takes the user's new roles.
     *
     * @return true if this closed the connection
     */
    boolean usersReplaced(UserStore before, UserStore next) {
        if (closed || !connected) {
            return false;
        }
        if (before.sameCredentials(username, next)) {
            roles = next.roles(username);
            allowedSend = null;
            return false;
        }
        String why = "user '" + username + "' " + (next.hasUser(username)
                ? "has a new password in the broker's users file" : "was removed from the broker's users file")
                + ", so the broker closed this connection; connect again with valid credentials";
        LOG.info("Connection {} from {}: closed: {}", connectionId, sink.remoteAddress(), why);
        sink.send(new Packet(0, new ErrorFrame(ErrorCode.SECURITY, why)));
        closeTransport();
        return true;
    }

    /** Closes the connection from the broker side (shutdown). */
    public void close() {
        closeTransport();
    }

    // ------------------------------------------------------------------ answers

    private void ok(long corr) {
        if (corr != 0) {
            sink.send(new Packet(corr, new OkFrame()));
        }
    }

    private void error(long corr, ErrorCode code, String message) {
        error(corr, code, message, null);
    }

    /** Sends ERROR for a request; with correlation id 0 only for a SEND (async send failure). */
    private void error(long corr, ErrorCode code, String message, Frame request) {
        if (corr != 0 || request instanceof SendFrame) {
            sink.send(new Packet(corr, new ErrorFrame(code, message)));
        } else {
            LOG.debug("Connection {}: unanswered failure of {}: {} {}", connectionId,
                    request == null ? "request" : request.type(), code, message);
        }
    }

    /**
     * Answers OK when {@code future} (the journal's) completes, or ERROR with {@code failureCode}
     * if it fails. The broker state the request changed is already changed, so the OK goes out on
     * the thread that completes the future (the journal writer, right after its force) rather
     * than after a hop back to the broker thread: one thread hand-off less on every synchronous
     * send and acknowledgement. Failures are answered on the broker thread.
     */
    private void replyWhenDone(long corr, CompletableFuture<Void> future, ErrorCode failureCode, boolean isSend) {
        java.util.function.Consumer<Throwable> onFailure = e -> {
            LOG.warn("Connection {}: request failed: {}", connectionId, e.toString());
            ErrorCode code = e instanceof BrokerException be ? be.code() : failureCode;
            if (corr != 0 || isSend) {
                sink.send(new Packet(corr, new ErrorFrame(code, describe(e))));
            }
        };
        if (future.isDone()) {
            whenDone(future, () -> ok(corr), onFailure);
            return;
        }
        future.whenComplete((v, e) -> {
            if (e == null) {
                if (corr != 0) {
                    // A closed connection's channel is inactive: the sink drops the answer.
                    sink.sendNow(new Packet(corr, new OkFrame()));
                }
            } else {
                executor.execute(() -> onFailure.accept(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
            }
        });
    }

    /** Runs {@code onSuccess} now if the future is already done, else on the broker thread when it is. */
    private void whenDone(CompletableFuture<Void> future, Runnable onSuccess, java.util.function.Consumer<Throwable> onFailure) {
        if (future.isDone() && !future.isCompletedExceptionally()) {
            onSuccess.run();
            return;
        }
        future.whenCompleteAsync((v, e) -> {
            try {
                if (e == null) {
                    onSuccess.run();
                } else {
                    onFailure.accept(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                }
            } catch (RuntimeException ex) {
                LOG.error("Connection {}: internal error completing a request", connectionId, ex);
            }
        }, executor);
    }

    private static String describe(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
