package dev.wharf.jms;

import dev.wharf.jms.internal.ConnectionLostException;
import dev.wharf.jms.internal.Transport;
import dev.wharf.jms.message.JmsBytesMessage;
import dev.wharf.jms.message.JmsMapMessage;
import dev.wharf.jms.message.JmsMessage;
import dev.wharf.jms.message.JmsObjectMessage;
import dev.wharf.jms.message.JmsStreamMessage;
import dev.wharf.jms.message.JmsTextMessage;
import dev.wharf.protocol.Frame;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.AckFrame;
import dev.wharf.protocol.frame.CloseSessionFrame;
import dev.wharf.protocol.frame.CommitFrame;
import dev.wharf.protocol.frame.CreateSessionFrame;
import dev.wharf.protocol.frame.RecoverFrame;
import dev.wharf.protocol.frame.RollbackFrame;
import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import jakarta.jms.TransactionRolledBackException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JMS session. Keeps the acknowledgement bookkeeping the broker relies on: deliveries the
 * application consumed but did not acknowledge (CLIENT_ACKNOWLEDGE, transactions), which
 * COMMIT, ROLLBACK, RECOVER and ACK frames then name.
 *
 * <p>JMS sessions are single-threaded for the application. Message listeners of a session run
 * one at a time on the session's own delivery thread; {@code deliveryLock} is held while a
 * listener runs, so {@code stop()} and {@code close()} can wait for it. The consumed list is
 * guarded by {@code this}.
 */
public class JmsSession implements QueueSession, TopicSession {
    private static final Logger LOG = LoggerFactory.getLogger(JmsSession.class);


    private final JmsConnection connection;
    private final long id;
    private final int ackMode;
    private final Domain domain;
    private final List<JmsMessageConsumer> consumers = new CopyOnWriteArrayList<>();
    private final List<JmsMessageProducer> producers = new CopyOnWriteArrayList<>();
    private final List<JmsQueueBrowser> browsers = new CopyOnWriteArrayList<>();
    /** Deliveries the application consumed and the session has not settled yet. Guarded by this. */
    private final List<Delivery> consumed = new ArrayList<>();
    /** Deliveries named by an ACK or COMMIT still awaiting its answer. Guarded by this. */
    private final List<Delivery> settling = new ArrayList<>();
    /** The failover generation of the deliveries in {@code consumed}. Guarded by this. */
    private long generation;
    /** The open transaction lost work in a failover; its commit must fail. Guarded by this. */
    private boolean transactionLostInFailover;
    /** The open transaction sent something. Guarded by this. */
    private boolean transactionSent;
    /** AUTO_ACKNOWLEDGE with blockOnAcknowledge: the delivery whose ACK is on its way. Guarded by this. */
    private Delivery acking;
    /** AUTO_ACKNOWLEDGE without blockOnAcknowledge: ACKs on their way, oldest first. Guarded by this. */
    private final java.util.ArrayDeque<BackgroundAck> ackingInBackground = new java.util.ArrayDeque<>();
    /** The sequence number of the last background ACK written on the current connection. Guarded by this. */
    private long backgroundAckSeq;
    /** One background ACK in this many asks for an answer (see {@link #ackInBackground}). */
    static final int BACKGROUND_ACK_FENCE = 32;

    /**
     * A background ACK on its way: {@code seq} is its place on the connection it was written to
     * (0: it waits for its own answer and no other answer covers it).
     */
    private record BackgroundAck(Delivery delivery, long seq) {
    }
    /** CLIENT_ACKNOWLEDGE: consumed messages a failover left unacknowledged. Guarded by this. */
    private int unacknowledgedInFailover;
    /** Answers still awaited to the sends of the open transaction. Guarded by itself. */
    private final List<java.util.concurrent.CompletableFuture<dev.wharf.protocol.Frame>> stagedSends = new ArrayList<>();
    /** The delivery a listener is handling (-1: none) and whether the session settled it already. Guarded by this. */
    private Delivery listenerDelivery;
    private boolean listenerDeliveryHandled;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Temporary files of large messages delivered to this session or written in it that still exist. */
    private final java.util.Set<java.nio.file.Path> largeBodies = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ReentrantLock deliveryLock = new ReentrantLock();
    private volatile ExecutorService deliveryExecutor;
    private volatile Thread deliveryThread;
    private volatile MessageListener sessionListener;

    protected JmsSession(JmsConnection connection, long id, int ackMode, Domain domain) {
        this.connection = connection;
        this.id = id;
        this.ackMode = ackMode;
        this.domain = domain;
    }

    /**
     * What the session was created as. The JMS 1.1 domain interfaces forbid the other domain's
     * methods: a {@code QueueSession} has no topics, a {@code TopicSession} no queues.
     */
    enum Domain {
        ANY, QUEUE, TOPIC
    }

    private void forbiddenOnQueueSession(String method) throws IllegalStateException {
        if (domain == Domain.QUEUE) {
            throw new IllegalStateException(method + " is not allowed on a QueueSession; use a Session or a TopicSession");
        }
    }

    private void forbiddenOnTopicSession(String method) throws IllegalStateException {
        if (domain == Domain.TOPIC) {
            throw new IllegalStateException(method + " is not allowed on a TopicSession; use a Session or a QueueSession");
        }
    }

    CreateSessionFrame createFrame() {
        return new CreateSessionFrame(id, ackMode);
    }

    /**
     * On the reconnect thread, before it connects anywhere: the deliveries of the lost connection
     * are void. Buffered ones are dropped (the new broker delivers them again); those the
     * application saw but did not settle will be marked redelivered when they come back; an open
     * transaction that did anything is doomed to roll back.
     */
    void failedOver(long newGeneration) {
        for (JmsMessageConsumer c : consumers) {
            c.drainBuffer();
        }
        synchronized (this) {
            boolean hadWork = !consumed.isEmpty() || !settling.isEmpty() || transactionSent
                    || listenerDelivery != null && !listenerDeliveryHandled;
            for (Delivery d : consumed) {
                remember(d);
            }
            for (Delivery d : settling) {
                remember(d);
            }
            if (listenerDelivery != null && !listenerDeliveryHandled) {
                remember(listenerDelivery);
            }
            if (acking != null) {
                remember(acking);
            }
            for (BackgroundAck a : ackingInBackground) {
                remember(a.delivery());
            }
            ackingInBackground.clear();
            if (ackMode == CLIENT_ACKNOWLEDGE) {
                unacknowledgedInFailover += consumed.size();
            }
            if (ackMode == SESSION_TRANSACTED && hadWork) {
                transactionLostInFailover = true;
            }
            consumed.clear();
            settling.clear();
            generation = newGeneration;
        }
    }

    /** A message the application saw whose settlement a failover cut off: it comes back marked redelivered. */
    private void remember(Delivery d) {
        connection.seenBeforeFailover(d.messageId());
    }

    /** On the reconnect thread, under the connection's state lock: re-creates this session at the new broker. */
    void restore(Transport t) throws JMSException {
        if (closed.get()) {
            return;
        }
        connection.restoreOne(t, createFrame(), "CREATE_SESSION " + id);
        for (JmsMessageProducer p : producers) {
            p.restore(t);
        }
        for (JmsMessageConsumer c : consumers) {
            c.restore(t);
        }
    }

    JmsConnection connection() {
        return connection;
    }

    long id() {
        return id;
    }

    void checkClosed() throws IllegalStateException {
        if (closed.get()) {
            throw new IllegalStateException("The session is closed");
        }
        connection.checkClosed();
    }

    boolean isClosed() {
        return closed.get();
    }

    boolean isDeliveryThread() {
        return Thread.currentThread() == deliveryThread;
    }

    // ---- message factories ----

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        checkClosed();
        JmsBytesMessage m = new JmsBytesMessage();
        m.spillTo(connection.largeMessageThreshold(), largeBodies);
        return m;
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        checkClosed();
        return new JmsMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        checkClosed();
        return new JmsMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        checkClosed();
        return new JmsObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        checkClosed();
        JmsObjectMessage m = new JmsObjectMessage();
        m.setObject(object);
        return m;
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        checkClosed();
        return new JmsStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        checkClosed();
        return new JmsTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        checkClosed();
        return new JmsTextMessage(text);
    }

    // ---- transactions and acknowledgement ----

    @Override
    public boolean getTransacted() throws JMSException {
        checkClosed();
        return ackMode == SESSION_TRANSACTED;
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        checkClosed();
        return ackMode;
    }

    int ackMode() {
        return ackMode;
    }

    @Override
    public void commit() throws JMSException {
        checkClosed();
        if (ackMode != SESSION_TRANSACTED) {
            throw new IllegalStateException("commit() needs a transacted session");
        }
        if (connection.callbacksThread()) {
            throw new IllegalStateException("a CompletionListener must not commit its session");
        }
        awaitPendingSends();
        JMSException failedSend = awaitStagedSends();
        boolean lost;
        synchronized (this) {
            lost = transactionLostInFailover;
        }
        if (lost) {
            returnToBroker(true);
            throw new TransactionRolledBackException("the connection failed over to " + connection.transport().address()
                    + " during the transaction, so it was rolled back: messages it consumed come back (redelivered), those"
                    + " it sent were not sent. Retry the transaction");
        }
        if (failedSend != null) {
            returnToBroker(true);
            TransactionRolledBackException e = new TransactionRolledBackException("a send in the transaction failed,"
                    + " so the transaction was rolled back: " + failedSend.getMessage());
            e.setLinkedException(failedSend);
            e.initCause(failedSend);
            throw e;
        }
        Settlement settle = settle();
        try {
            connection.call(new CommitFrame(id, settle.ids()), null, JmsConnection.AfterFailover.ROLLED_BACK, settle.generation(),
                    "COMMIT");
        } catch (JMSException e) {
            synchronized (this) {
                // This exception tells of the failover; the next transaction starts clean.
                transactionLostInFailover = false;
            }
            throw e;
        } finally {
            settled();
        }
    }

    /** Deliveries being settled, and the failover generation they belong to. */
    record Settlement(long[] ids, long generation) {
    }

    /** Moves everything consumed to {@code settling} for an ACK or COMMIT; {@link #settled()} when answered. */
    private synchronized Settlement settle() {
        List<Delivery> all = drain();
        settling.addAll(all);
        transactionSent = false;
        return new Settlement(all.stream().mapToLong(Delivery::id).toArray(), generation);
    }

    private synchronized void settled() {
        settling.clear();
    }

    /**
     * True if sends of this transacted session go out without waiting for their answer: the broker
     * only stages them, and {@link #commit()} checks every answer before it commits.
     */
    boolean stagesSendsWithoutWaiting() {
        return ackMode == SESSION_TRANSACTED;
    }

    /** A send of the open transaction whose answer {@link #commit()} will check. */
    void stagedSend(java.util.concurrent.CompletableFuture<dev.wharf.protocol.Frame> answer) {
        synchronized (this) {
            transactionSent = true;
        }
        synchronized (stagedSends) {
            stagedSends.add(answer);
            if (stagedSends.size() >= 1024) {
                // Keep the list short in big transactions: answered sends need no more watching,
                // except a failure, which stays at the head for commit to find.
                stagedSends.removeIf(f -> f.isDone() && !f.isCompletedExceptionally()
                        && !(f.getNow(null) instanceof dev.wharf.protocol.frame.ErrorFrame));
            }
        }
    }

    /** Waits for the answers to the transaction's sends; returns the first failure, or null. */
    private JMSException awaitStagedSends() {
        List<java.util.concurrent.CompletableFuture<dev.wharf.protocol.Frame>> sends;
        synchronized (stagedSends) {
            sends = new ArrayList<>(stagedSends);
            stagedSends.clear();
        }
        JMSException first = null;
        for (var f : sends) {
            try {
                connection.await(f, "SEND");
            } catch (JMSException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        return first;
    }

    @Override
    public void rollback() throws JMSException {
        checkClosed();
        if (ackMode != SESSION_TRANSACTED) {
            throw new IllegalStateException("rollback() needs a transacted session");
        }
        if (connection.callbacksThread()) {
            throw new IllegalStateException("a CompletionListener must not roll back its session");
        }
        awaitPendingSends();
        awaitStagedSends();
        returnToBroker(true);
    }

    @Override
    public void recover() throws JMSException {
        checkClosed();
        if (ackMode == SESSION_TRANSACTED) {
            throw new IllegalStateException("recover() is not allowed in a transacted session; use rollback()");
        }
        returnToBroker(false);
    }

    /** Rollback or recover: consumed deliveries come back redelivered, buffered ones unmarked, in order. */
    private void returnToBroker(boolean rollback) throws JMSException {
        long[] redeliver;
        long gen;
        synchronized (this) {
            redeliver = drain().stream().mapToLong(Delivery::id).toArray();
            gen = generation;
            transactionSent = false;
            transactionLostInFailover = false;
            unacknowledgedInFailover = 0;
        }
        long[] releasedIds = releaseBuffers(gen);
        // After a failover the new broker has nothing of this session's to take back: done.
        connection.call(rollback ? new RollbackFrame(id, redeliver, releasedIds) : new RecoverFrame(id, redeliver, releasedIds),
                this::dropInFlight, JmsConnection.AfterFailover.DONE, gen, rollback ? "ROLLBACK" : "RECOVER");
        for (JmsMessageConsumer c : consumers) {
            c.restoreCredit();
        }
    }

    /**
     * On the reading thread, at the answer to RECOVER or ROLLBACK: the broker has taken back every
     * delivery of this session the application had not seen, including those still in flight
     * then. They reached the buffers before the answer; dropping them keeps the order, as the
     * queues now redeliver from the first returned message.
     */
    private void dropInFlight() {
        for (JmsMessageConsumer c : consumers) {
            c.drainBuffer();
        }
    }

    /** Empties the consumers' buffers; the ids of those of generation {@code gen} (older ones are void). */
    private long[] releaseBuffers(long gen) {
        List<Long> released = new ArrayList<>();
        for (JmsMessageConsumer c : consumers) {
            for (Delivery d : c.drainBuffer()) {
                if (d.generation() == gen) {
                    released.add(d.id());
                }
            }
        }
        return released.stream().mapToLong(Long::longValue).toArray();
    }

    /** Redelivers one delivery at once (a listener threw in AUTO or DUPS_OK mode). */
    void redeliver(Delivery delivery, JmsMessageConsumer consumer) throws JMSException {
        long[] releasedIds = releaseBuffers(delivery.generation());
        connection.call(new RecoverFrame(id, new long[] {delivery.id()}, releasedIds), this::dropInFlight,
                JmsConnection.AfterFailover.DONE, delivery.generation(), "RECOVER");
        for (JmsMessageConsumer c : consumers) {
            c.restoreCredit();
        }
    }

    /** CLIENT_ACKNOWLEDGE: acknowledges every message the session has consumed so far. */
    void acknowledgeAll() throws JMSException {
        checkClosed();
        if (ackMode != CLIENT_ACKNOWLEDGE) {
            return;
        }
        Settlement settle = settle();
        try {
            if (settle.ids().length > 0) {
                Frame answer = connection.call(new AckFrame(id, settle.ids()), null, JmsConnection.AfterFailover.DONE,
                        settle.generation(), "ACK");
                if (answer == null) {
                    synchronized (this) {
                        unacknowledgedInFailover += settle.ids().length;
                    }
                }
            }
        } finally {
            settled();
        }
        int lost;
        synchronized (this) {
            lost = unacknowledgedInFailover;
            unacknowledgedInFailover = 0;
        }
        if (lost > 0) {
            throw new JMSException(lost + " message(s) consumed before the connection failed over to "
                    + connection.transport().address() + " were not surely acknowledged: the broker may deliver them again,"
                    + " marked redelivered (JMSRedelivered)", "ACKNOWLEDGE_LOST_IN_FAILOVER");
        }
    }

    /**
     * True if each send must be committed on its own right after it (an XA session outside a
     * global transaction); then the producer calls {@link #afterSend()}.
     */
    boolean commitsEachSend() {
        return false;
    }

    /** A send of a session that {@link #commitsEachSend()} was staged: commit it. */
    void afterSend() throws JMSException {
    }

    /** Called once the application has a message (receive returned it, or onMessage returned). */
    void afterConsumed(Delivery d) throws JMSException {
        synchronized (this) {
            if (d.generation() != generation) {
                // It came before a failover: the new broker will deliver it again.
                remember(d);
                if (ackMode == SESSION_TRANSACTED) {
                    transactionLostInFailover = true;
                } else if (ackMode == CLIENT_ACKNOWLEDGE) {
                    unacknowledgedInFailover++;
                }
                return;
            }
        }
        switch (ackMode) {
            case AUTO_ACKNOWLEDGE -> {
                if (!connection.blockOnAcknowledge()) {
                    ackInBackground(d);
                    return;
                }
                // If a failover cuts this ACK off, failedOver() remembers the message: it may come back.
                synchronized (this) {
                    acking = d;
                }
                try {
                    connection.call(new AckFrame(id, new long[] {d.id()}), null, JmsConnection.AfterFailover.DONE,
                            d.generation(), "ACK");
                } finally {
                    synchronized (this) {
                        acking = null;
                    }
                }
            }
            case DUPS_OK_ACKNOWLEDGE -> ackWithoutWaiting(d);
            default -> {
                synchronized (this) {
                    consumed.add(d);
                }
            }
        }
    }

    /**
     * AUTO_ACKNOWLEDGE with blockOnAcknowledge false (Artemis's default; ours is true): the ACK goes out
     * and the application gets its next message without waiting for the broker to force it. The
     * broker handles the ACK before any later request of this connection (a close, a recover, a
     * browse), so the application sees no difference; only a broker crash in the few milliseconds
     * before the force can bring an acknowledged message back (JMS allows it: the last messages
     * of an AUTO_ACKNOWLEDGE session may be delivered again after a provider failure). The ACK is
     * written lazily ({@link dev.wharf.jms.internal.Transport#sendLazily}): with the next frame
     * this connection writes, or before the next wait for the socket, within 100 ms at most.
     *
     * <p>Only every {@link #BACKGROUND_ACK_FENCE}th ACK asks for an answer (an answer each cost the
     * broker a write and this client a wake-up per message). The connection is ordered, so that
     * answer says the broker has every ACK written before it on the same connection: each is
     * numbered as it is written, under this session's lock, and the answer clears those numbered up
     * to its own. Until then they stay in {@link #ackingInBackground}, and a failover remembers them
     * (see {@link #failedOver}): if one comes back, it reads as redelivered. An ACK for a delivery
     * of another connection than the one in use (a failover is being set up) asks for its own
     * answer, as every ACK did before, and waits for the failover like any request. A refused ACK
     * is logged by the broker, and here only for those that ask for an answer.
     */
    private void ackInBackground(Delivery d) {
        // Not forced: nobody waits, and the next forced operation makes it durable.
        AckFrame ack = new AckFrame(id, new long[] {d.id()}, false);
        BackgroundAck pending;
        synchronized (this) {
            if (d.generation() != generation) {
                // A failover began since the caller looked: the new broker delivers it again.
                remember(d);
                return;
            }
            long seq = backgroundAckSeq + 1;
            if (seq % BACKGROUND_ACK_FENCE != 0) {
                ackingInBackground.add(new BackgroundAck(d, seq));
                if (connection.sendLazilyOnGeneration(ack, d.generation())) {
                    backgroundAckSeq = seq;
                    return;
                }
                ackingInBackground.removeLast();
                pending = new BackgroundAck(d, 0);
            } else {
                pending = new BackgroundAck(d, seq);
            }
            ackingInBackground.add(pending);
            // Written now, under the lock, so that its number is its place on the connection.
            java.util.concurrent.CompletableFuture<dev.wharf.protocol.Frame> answer = connection.request(ack, null,
                    JmsConnection.AfterFailover.DONE, d.generation(), "ACK");
            if (pending.seq() != 0) {
                backgroundAckSeq = pending.seq();
            }
            answer.whenComplete((frame, e) -> answered(pending, frame, e));
        }
    }

    /** The answer to a background ACK that asked for one (on the reading thread, or at once if it failed). */
    private void answered(BackgroundAck pending, dev.wharf.protocol.Frame frame, Throwable e) {
        synchronized (this) {
            if (e != null) {
                // Not known to have arrived: the message may come back, and must read as redelivered.
                remember(pending.delivery());
                ackingInBackground.remove(pending);
            } else if (pending.seq() == 0) {
                ackingInBackground.remove(pending);
            } else {
                // Every ACK written before this one on the same connection has been handled too.
                ackingInBackground.removeIf(a -> a.seq() != 0 && a.seq() <= pending.seq());
            }
        }
        if (frame instanceof dev.wharf.protocol.frame.ErrorFrame error) {
            LOG.warn("Session {}: the broker refused the acknowledgement of {}: {}; the message may be"
                    + " delivered again", id, pending.delivery().messageId(), error.message());
        }
    }

    private void ackWithoutWaiting(Delivery d) {
        if (d.generation() == connection.generation()) {
            connection.transport().sendLazily(new AckFrame(id, new long[] {d.id()}));
        }
    }

    /** Acknowledges a delivery the application never saw (an expired message found in the buffer). */
    void discard(Delivery d) {
        if (ackMode == SESSION_TRANSACTED || ackMode == CLIENT_ACKNOWLEDGE) {
            synchronized (this) {
                if (d.generation() == generation) {
                    consumed.add(d);
                }
            }
        } else {
            ackWithoutWaiting(d);
        }
    }

    /**
     * Everything the application has consumed and not yet settled: the consumed list, plus the
     * message a listener is handling right now (commit, rollback, recover or acknowledge called
     * from onMessage covers that message too; its usual settlement after onMessage is then skipped).
     */
    synchronized long[] drainConsumed() {
        return drain().stream().mapToLong(Delivery::id).toArray();
    }

    /** {@link #drainConsumed()}, as deliveries that {@link #restoreConsumed} can put back. */
    synchronized List<Delivery> drainConsumedDeliveries() {
        return drain();
    }

    /** Puts back deliveries drained by {@link #drainConsumedDeliveries} whose settlement the broker refused. */
    synchronized void restoreConsumed(List<Delivery> deliveries) {
        consumed.addAll(0, deliveries);
    }

    /** Guarded by this: see {@link #drainConsumed()}. */
    private List<Delivery> drain() {
        if (listenerDelivery != null && !listenerDeliveryHandled) {
            listenerDeliveryHandled = true;
            if (listenerDelivery.generation() == generation) {
                consumed.add(listenerDelivery);
            } else {
                remember(listenerDelivery);
                if (ackMode == SESSION_TRANSACTED) {
                    transactionLostInFailover = true;
                }
            }
        }
        List<Delivery> all = new ArrayList<>(consumed);
        consumed.clear();
        return all;
    }

    /** The delivery thread is about to call onMessage with this delivery. */
    synchronized void listenerStarted(Delivery d) {
        listenerDelivery = d;
        listenerDeliveryHandled = false;
    }

    /**
     * onMessage returned (or threw).
     *
     * @return true if the listener already settled its message (commit, rollback, recover or
     *         acknowledge inside onMessage), so it must not be acknowledged or redelivered again
     */
    synchronized boolean listenerFinished() {
        boolean handled = listenerDeliveryHandled;
        listenerDelivery = null;
        listenerDeliveryHandled = false;
        return handled;
    }

    private void awaitPendingSends() throws JMSException {
        for (JmsMessageProducer p : producers) {
            p.awaitPendingSends();
        }
    }

    // ---- producers, consumers, browsers ----

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        checkClosed();
        JmsMessageProducer p = new JmsMessageProducer(this, connection.nextId(), JmsDestination.of(destination));
        p.open();
        return p;
    }

    void add(JmsMessageProducer p) {
        producers.add(p);
    }

    void remove(JmsMessageProducer p) {
        producers.remove(p);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return createConsumer(destination, null, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String selector) throws JMSException {
        return createConsumer(destination, selector, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String selector, boolean noLocal) throws JMSException {
        checkClosed();
        return consumer(requireDestination(destination), selector, noLocal, SubscriptionKind.NONE, null);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String name) throws JMSException {
        return createSharedConsumer(topic, name, null);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String name, String selector) throws JMSException {
        checkClosed();
        forbiddenOnQueueSession("createSharedConsumer");
        return consumer(requireTopic(topic), selector, false, SubscriptionKind.SHARED, requireName(name));
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return createDurableSubscriber(topic, name, null, false);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String selector, boolean noLocal) throws JMSException {
        checkClosed();
        forbiddenOnQueueSession("createDurableSubscriber");
        return consumer(requireTopic(topic), selector, noLocal, SubscriptionKind.DURABLE, requireName(name));
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return createDurableSubscriber(topic, name, null, false);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String selector, boolean noLocal) throws JMSException {
        return createDurableSubscriber(topic, name, selector, noLocal);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return createSharedDurableConsumer(topic, name, null);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String selector) throws JMSException {
        checkClosed();
        forbiddenOnQueueSession("createSharedDurableConsumer");
        return consumer(requireTopic(topic), selector, false, SubscriptionKind.SHARED_DURABLE, requireName(name));
    }

    private JmsMessageConsumer consumer(JmsDestination d, String selector, boolean noLocal, SubscriptionKind kind, String name)
            throws JMSException {
        if (d.isTemporary() && !d.getName().contains(":" + connection.connectionId() + ":")) {
            throw new InvalidDestinationException("temporary destination " + d + " belongs to another connection; only its creator can consume from it");
        }
        JmsMessageConsumer c = new JmsMessageConsumer(this, connection.nextId(), d, selector, noLocal, kind, name, connection.prefetch());
        consumers.add(c);
        try {
            c.open();
        } catch (JMSException | RuntimeException e) {
            consumers.remove(c);
            throw e;
        }
        return c;
    }

    void remove(JmsMessageConsumer c) {
        consumers.remove(c);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return createBrowser(queue, null);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String selector) throws JMSException {
        checkClosed();
        forbiddenOnTopicSession("createBrowser");
        if (queue == null) {
            throw new InvalidDestinationException("queue: null");
        }
        JmsQueueBrowser b = new JmsQueueBrowser(this, (Queue) JmsDestination.of(queue), selector);
        b.validate();
        browsers.add(b);
        return b;
    }

    void remove(JmsQueueBrowser b) {
        browsers.remove(b);
    }

    private static JmsDestination requireDestination(Destination destination) throws JMSException {
        if (destination == null) {
            throw new InvalidDestinationException("destination: null");
        }
        return JmsDestination.of(destination);
    }

    private static JmsDestination requireTopic(Topic topic) throws JMSException {
        if (topic == null) {
            throw new InvalidDestinationException("topic: null");
        }
        return JmsDestination.of(topic);
    }

    private static String requireName(String name) throws JMSException {
        if (name == null || name.isEmpty()) {
            throw new JMSException("subscription name: null or empty");
        }
        return name;
    }

    @Override
    public Queue createQueue(String queueName) throws JMSException {
        checkClosed();
        forbiddenOnTopicSession("createQueue");
        if (queueName == null || queueName.isEmpty()) {
            throw new InvalidDestinationException("queue name: null or empty");
        }
        return new JmsQueue(queueName);
    }

    @Override
    public Topic createTopic(String topicName) throws JMSException {
        checkClosed();
        forbiddenOnQueueSession("createTopic");
        if (topicName == null || topicName.isEmpty()) {
            throw new InvalidDestinationException("topic name: null or empty");
        }
        return new JmsTopic(topicName);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        checkClosed();
        forbiddenOnTopicSession("createTemporaryQueue");
        return (TemporaryQueue) connection.createTemporary(true);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        checkClosed();
        forbiddenOnQueueSession("createTemporaryTopic");
        return (TemporaryTopic) connection.createTemporary(false);
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        checkClosed();
        forbiddenOnQueueSession("unsubscribe");
        connection.call(new dev.wharf.protocol.frame.UnsubscribeFrame(requireName(name)), JmsConnection.AfterFailover.FAIL,
                "UNSUBSCRIBE");
    }

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return (QueueReceiver) createConsumer(queue);
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String selector) throws JMSException {
        return (QueueReceiver) createConsumer(queue, selector);
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        return (QueueSender) createProducer(queue);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return (TopicSubscriber) createConsumer(topic);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String selector, boolean noLocal) throws JMSException {
        return (TopicSubscriber) createConsumer(topic, selector, noLocal);
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        return (TopicPublisher) createProducer(topic);
    }

    // ---- listeners and the delivery thread ----

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkClosed();
        return sessionListener;
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        checkClosed();
        // The session-level listener is an application-server facility (ConnectionConsumer).
        this.sessionListener = listener;
    }

    @Override
    public void run() {
        throw new UnsupportedOperationException("Session.run is an application-server facility Wharf does not support yet");
    }

    /** Makes sure the delivery thread will look at the consumers' buffers. Any thread. */
    void scheduleDispatch() {
        if (closed.get() || !connection.isStarted()) {
            return;
        }
        ExecutorService ex = deliveryExecutor;
        if (ex == null) {
            synchronized (this) {
                ex = deliveryExecutor;
                if (ex == null) {
                    String name = "wharf-session-" + connection.connectionId() + "-" + id;
                    ex = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, name);
                        t.setDaemon(true);
                        return t;
                    });
                    deliveryExecutor = ex;
                }
            }
        }
        try {
            ex.execute(this::dispatch);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing: nothing more to deliver.
        }
    }

    /** On the delivery thread: hands buffered messages to listeners until none is left. */
    private void dispatch() {
        deliveryThread = Thread.currentThread();
        boolean delivered = true;
        while (delivered && !closed.get() && connection.isStarted()) {
            delivered = false;
            for (JmsMessageConsumer c : consumers) {
                deliveryLock.lock();
                try {
                    if (closed.get() || !connection.isStarted()) {
                        return;
                    }
                    delivered |= c.deliverOneToListener();
                } finally {
                    deliveryLock.unlock();
                }
            }
        }
    }

    void start() {
        scheduleDispatch();
    }

    /** Waits until no listener of this session is running (unless called from the listener itself). */
    void awaitListenerIdle() {
        if (isDeliveryThread()) {
            return;
        }
        deliveryLock.lock();
        deliveryLock.unlock();
    }

    // ---- closing ----

    @Override
    public void close() throws JMSException {
        if (isDeliveryThread()) {
            throw new IllegalStateException("a MessageListener must not close its own session");
        }
        if (connection.callbacksThread()) {
            throw new IllegalStateException("a CompletionListener must not close its own session");
        }
        doClose(true);
    }

    void closeFromConnection(boolean tellBroker) throws JMSException {
        doClose(tellBroker);
    }

    private void doClose(boolean tellBroker) throws JMSException {
        if (closed.get()) {
            return;
        }
        awaitPendingSendsQuietly();
        deliveryLock.lock();
        try {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
        } finally {
            deliveryLock.unlock();
        }
        JMSException first = null;
        for (JmsMessageConsumer c : consumers) {
            try {
                c.closeFromSession(tellBroker);
            } catch (JMSException e) {
                first = first == null ? e : first;
            }
        }
        for (JmsQueueBrowser b : browsers) {
            b.closeQuietly();
        }
        producers.clear();
        if (tellBroker) {
            try {
                connection.changeState(() -> connection.removeSession(this), new CloseSessionFrame(id), "CLOSE_SESSION");
            } catch (JMSException e) {
                first = first == null ? e : first;
            }
        }
        ExecutorService ex = deliveryExecutor;
        if (ex != null) {
            ex.shutdown();
        }
        connection.removeSession(this);
        dev.wharf.jms.message.LargeBodyFile.deleteAll(largeBodies);
        // The connection lost under it: the broker forgets the session with the connection.
        if (first != null && !(first instanceof ConnectionLostException)) {
            throw first;
        }
    }

    /** The session owns the temporary file of a large message delivered to it: deleted at close at the latest. */
    void adopt(dev.wharf.jms.message.LargeBodyFile file) {
        largeBodies.add(file.path());
    }

    private void awaitPendingSendsQuietly() {
        try {
            awaitPendingSends();
        } catch (JMSException e) {
            // The send's own listener or caller hears about it.
        }
    }

    @Override
    public String toString() {
        return "JmsSession[" + id + " of " + connection + "]";
    }
}
