package dev.wharf.jms;

import dev.wharf.jms.message.JmsBytesMessage;
import dev.wharf.jms.message.JmsMapMessage;
import dev.wharf.jms.message.JmsMessage;
import dev.wharf.jms.message.JmsObjectMessage;
import dev.wharf.jms.message.JmsStreamMessage;
import dev.wharf.jms.message.JmsTextMessage;
import dev.wharf.protocol.SubscriptionKind;
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

    private final JmsConnection connection;
    private final long id;
    private final int ackMode;
    private final Domain domain;
    private final List<JmsMessageConsumer> consumers = new CopyOnWriteArrayList<>();
    private final List<JmsMessageProducer> producers = new CopyOnWriteArrayList<>();
    private final List<JmsQueueBrowser> browsers = new CopyOnWriteArrayList<>();
    private final List<Long> consumed = new ArrayList<>();
    /** Answers still awaited to the sends of the open transaction. Guarded by itself. */
    private final List<java.util.concurrent.CompletableFuture<dev.wharf.protocol.Frame>> stagedSends = new ArrayList<>();
    /** The delivery a listener is handling (-1: none) and whether the session settled it already. Guarded by this. */
    private long listenerDelivery = -1;
    private boolean listenerDeliveryHandled;
    private final AtomicBoolean closed = new AtomicBoolean();
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

    void open() throws JMSException {
        connection.transport().call(new CreateSessionFrame(id, ackMode), connection.requestTimeout(), "CREATE_SESSION");
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
        return new JmsBytesMessage();
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
        if (failedSend != null) {
            returnToBroker(true);
            TransactionRolledBackException e = new TransactionRolledBackException("a send in the transaction failed,"
                    + " so the transaction was rolled back: " + failedSend.getMessage());
            e.setLinkedException(failedSend);
            e.initCause(failedSend);
            throw e;
        }
        long[] ids = drainConsumed();
        connection.transport().call(new CommitFrame(id, ids), connection.requestTimeout(), "COMMIT");
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
                connection.transport().await(f, connection.requestTimeout(), "SEND");
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
        long[] redeliver = drainConsumed();
        List<Long> released = new ArrayList<>();
        for (JmsMessageConsumer c : consumers) {
            released.addAll(c.drainBuffer());
        }
        long[] releasedIds = released.stream().mapToLong(Long::longValue).toArray();
        connection.transport().call(rollback ? new RollbackFrame(id, redeliver, releasedIds) : new RecoverFrame(id, redeliver, releasedIds),
                this::dropInFlight, connection.requestTimeout(), rollback ? "ROLLBACK" : "RECOVER");
        for (JmsMessageConsumer c : consumers) {
            c.restoreCredit();
        }
    }

    /**
     * On the I/O thread, at the answer to RECOVER or ROLLBACK: the broker has taken back every
     * delivery of this session the application had not seen, including those still in flight
     * then. They reached the buffers before the answer; dropping them keeps the order, as the
     * queues now redeliver from the first returned message.
     */
    private void dropInFlight() {
        for (JmsMessageConsumer c : consumers) {
            c.drainBuffer();
        }
    }

    /** Redelivers one delivery at once (a listener threw in AUTO or DUPS_OK mode). */
    void redeliver(long deliveryId, JmsMessageConsumer consumer) throws JMSException {
        List<Long> released = new ArrayList<>();
        for (JmsMessageConsumer c : consumers) {
            released.addAll(c.drainBuffer());
        }
        long[] releasedIds = released.stream().mapToLong(Long::longValue).toArray();
        connection.transport().call(new RecoverFrame(id, new long[] {deliveryId}, releasedIds), this::dropInFlight,
                connection.requestTimeout(), "RECOVER");
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
        long[] ids = drainConsumed();
        if (ids.length > 0) {
            connection.transport().call(new AckFrame(id, ids), connection.requestTimeout(), "ACK");
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
    void afterConsumed(long deliveryId) throws JMSException {
        switch (ackMode) {
            case AUTO_ACKNOWLEDGE -> connection.transport().call(new AckFrame(id, new long[] {deliveryId}),
                    connection.requestTimeout(), "ACK");
            case DUPS_OK_ACKNOWLEDGE -> connection.transport().send(new AckFrame(id, new long[] {deliveryId}));
            default -> {
                synchronized (this) {
                    consumed.add(deliveryId);
                }
            }
        }
    }

    /** Acknowledges a delivery the application never saw (an expired message found in the buffer). */
    void discard(long deliveryId) {
        if (ackMode == SESSION_TRANSACTED || ackMode == CLIENT_ACKNOWLEDGE) {
            synchronized (this) {
                consumed.add(deliveryId);
            }
        } else {
            connection.transport().send(new AckFrame(id, new long[] {deliveryId}));
        }
    }

    /**
     * Everything the application has consumed and not yet settled: the consumed list, plus the
     * message a listener is handling right now (commit, rollback, recover or acknowledge called
     * from onMessage covers that message too; its usual settlement after onMessage is then skipped).
     */
    synchronized long[] drainConsumed() {
        if (listenerDelivery >= 0 && !listenerDeliveryHandled) {
            consumed.add(listenerDelivery);
            listenerDeliveryHandled = true;
        }
        long[] ids = consumed.stream().mapToLong(Long::longValue).toArray();
        consumed.clear();
        return ids;
    }

    /** The delivery thread is about to call onMessage with this delivery. */
    synchronized void listenerStarted(long deliveryId) {
        listenerDelivery = deliveryId;
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
        listenerDelivery = -1;
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
        producers.add(p);
        return p;
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
        connection.transport().call(new dev.wharf.protocol.frame.UnsubscribeFrame(requireName(name)), connection.requestTimeout(), "UNSUBSCRIBE");
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

    void closeFromConnection() throws JMSException {
        doClose(connection.transport().isOpen());
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
                connection.transport().call(new CloseSessionFrame(id), connection.requestTimeout(), "CLOSE_SESSION");
            } catch (JMSException e) {
                first = first == null ? e : first;
            }
        }
        ExecutorService ex = deliveryExecutor;
        if (ex != null) {
            ex.shutdown();
        }
        connection.removeSession(this);
        if (first != null) {
            throw first;
        }
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
