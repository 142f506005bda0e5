package dev.wharf.jms;

import dev.wharf.jms.message.JmsMessage;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.frame.CloseConsumerFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.CreditFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.PullFrame;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.QueueReceiver;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message consumer: a buffer of deliveries the broker pushed within the prefetch window,
 * drained by {@code receive()} or by the session's delivery thread for a listener. Credit
 * goes back to the broker in batches of half the window; with prefetch 0 each receive pulls.
 *
 * <p>The buffer is guarded by {@code lock}; the reading thread (see Transport) fills it, the application thread or
 * the session's delivery thread empties it.
 */
public class JmsMessageConsumer implements QueueReceiver, TopicSubscriber {

    private static final Logger LOG = LoggerFactory.getLogger(JmsMessageConsumer.class);

    private final JmsSession session;
    private final long id;
    private final JmsDestination destination;
    private final String selector;
    private final boolean noLocal;
    private final SubscriptionKind kind;
    private final String subscriptionName;
    private final int prefetch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Delivery> buffer = new ArrayDeque<>();
    private int consumedSinceCredit;
    private volatile boolean closed;
    private volatile boolean connectionLost;
    private volatile MessageListener listener;
    /** Deliveries put in the buffer so far; written under lock, read by a receiver reading the socket. */
    private volatile long arrivals;

    JmsMessageConsumer(JmsSession session, long id, JmsDestination destination, String selector, boolean noLocal,
                       SubscriptionKind kind, String subscriptionName, int prefetch) {
        this.session = session;
        this.id = id;
        this.destination = destination;
        this.selector = selector == null || selector.isBlank() ? null : selector;
        this.noLocal = noLocal;
        this.kind = kind;
        this.subscriptionName = subscriptionName;
        this.prefetch = prefetch;
    }

    long id() {
        return id;
    }

    private CreateConsumerFrame createFrame() {
        return new CreateConsumerFrame(session.id(), id, destination.toWire(), selector, noLocal, kind, subscriptionName, prefetch);
    }

    void open() throws JMSException {
        JmsConnection c = session.connection();
        try {
            c.changeState(() -> c.register(this), createFrame(), "CREATE_CONSUMER on " + destination);
        } catch (JMSException | RuntimeException e) {
            c.unregister(this);
            throw e;
        }
    }

    /**
     * On the reconnect thread, under the connection's state lock: re-creates this consumer at the
     * new broker with a fresh prefetch window (the session already dropped the old buffer).
     */
    void restore(dev.wharf.jms.internal.Transport t) throws JMSException {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            consumedSinceCredit = 0;
        } finally {
            lock.unlock();
        }
        session.connection().restoreOne(t, createFrame(), "CREATE_CONSUMER on " + destination);
    }

    private void checkClosed() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("The consumer is closed");
        }
        session.checkClosed();
    }

    // ---- from the reading thread (see Transport) ----

    void onDeliver(DeliverFrame frame, long generation, dev.wharf.jms.message.LargeBodyFile largeBody, int credits) {
        if (largeBody != null) {
            session.adopt(largeBody);
        }
        Delivery d = new Delivery(frame, generation, largeBody, credits);
        lock.lock();
        try {
            buffer.add(d);
            arrivals++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (listener != null) {
            session.scheduleDispatch();
        }
    }

    void onConnectionLost() {
        connectionLost = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- MessageConsumer ----

    @Override
    public String getMessageSelector() throws JMSException {
        checkClosed();
        return selector;
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkClosed();
        return listener;
    }

    @Override
    public void setMessageListener(MessageListener messageListener) throws JMSException {
        checkClosed();
        this.listener = messageListener;
        if (messageListener != null) {
            session.scheduleDispatch();
        }
    }

    @Override
    public Message receive() throws JMSException {
        return receive(0);
    }

    @Override
    public Message receive(long timeout) throws JMSException {
        return doReceive(timeout <= 0 ? Long.MAX_VALUE : timeout);
    }

    @Override
    public Message receiveNoWait() throws JMSException {
        return doReceive(-1);
    }

    /**
     * JMS 2.0 {@code receiveBody}: the next message's body. A plain Message or a StreamMessage, or
     * a body not assignable to {@code type}, is a MessageFormatException; in AUTO and DUPS_OK mode
     * the message then stays first in line, unacknowledged and not marked redelivered, as if the
     * call had not happened; in CLIENT and transacted mode it counts as consumed.
     *
     * @param timeoutMillis -1 no wait, Long.MAX_VALUE forever
     */
    <T> T receiveBody(Class<T> type, long timeoutMillis) throws JMSException {
        JmsMessage m = (JmsMessage) receive(timeoutMillis, message -> bodyProblem(message, type));
        return m == null ? null : m.getBody(type);
    }

    private static String bodyProblem(JmsMessage m, Class<?> type) throws JMSException {
        if (m instanceof jakarta.jms.StreamMessage || !(m instanceof jakarta.jms.TextMessage || m instanceof jakarta.jms.BytesMessage
                || m instanceof jakarta.jms.MapMessage || m instanceof jakarta.jms.ObjectMessage)) {
            return "receiveBody cannot return the body of a " + m.getClass().getSimpleName()
                    + ": only Text, Bytes, Map and Object messages have one it can return";
        }
        return m.isBodyAssignableTo(type) ? null : "the body of a " + m.getClass().getSimpleName() + " cannot be assigned to " + type.getName();
    }

    /** Checks a message before it is consumed; a non-null answer says why it is refused. */
    @FunctionalInterface
    private interface Check {
        String problem(JmsMessage m) throws JMSException;
    }

    /** {@code timeoutMillis}: -1 no wait, Long.MAX_VALUE forever. */
    private Message doReceive(long timeoutMillis) throws JMSException {
        return receive(timeoutMillis, null);
    }

    private Message receive(long timeoutMillis, Check check) throws JMSException {
        checkClosed();
        if (listener != null) {
            throw new IllegalStateException("cannot receive() on a consumer that has a MessageListener");
        }
        long deadline = timeoutMillis == Long.MAX_VALUE || timeoutMillis < 0 ? timeoutMillis : System.currentTimeMillis() + timeoutMillis;
        while (true) {
            if (prefetch == 0 && session.connection().isStarted() && isBufferEmpty()) {
                pull(deadline);
            }
            Delivery d = take(deadline);
            if (d == null) {
                return null;
            }
            if (d.frame().message().isExpired(System.currentTimeMillis())) {
                session.discard(d);
                creditOne(d);
                continue;
            }
            JmsMessage m = d.toMessage(session.connection().deliveryCount(d.frame()));
            prepare(m);
            String problem = check == null ? null : check.problem(m);
            if (problem != null) {
                int mode = session.ackMode();
                if (mode == Session.AUTO_ACKNOWLEDGE || mode == Session.DUPS_OK_ACKNOWLEDGE) {
                    putBack(d);
                } else {
                    session.afterConsumed(d);
                    creditOne(d);
                }
                throw new jakarta.jms.MessageFormatException(problem);
            }
            session.afterConsumed(d);
            creditOne(d);
            return m;
        }
    }

    /** Returns an unconsumed delivery to the head of the buffer, to be received next. */
    private void putBack(Delivery d) {
        lock.lock();
        try {
            buffer.addFirst(d);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void pull(long deadline) throws JMSException {
        long wait = deadline == Long.MAX_VALUE ? -1 : deadline < 0 ? 0 : Math.max(0, deadline - System.currentTimeMillis());
        JmsConnection c = session.connection();
        long answerTimeout = wait < 0 ? 0 : wait + c.requestTimeout();
        // A failover drops the pull with the rest; the caller's loop pulls again from the new broker.
        CompletableFuture<dev.wharf.protocol.Frame> answer = c.request(new PullFrame(id, wait), null,
                JmsConnection.AfterFailover.DONE, -1, "PULL", true);
        c.transport().await(answer, answerTimeout, "PULL");
    }

    private boolean isBufferEmpty() {
        lock.lock();
        try {
            return buffer.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a delivery while the connection is started; null at the deadline or on close. */
    private Delivery take(long deadline) throws JMSException {
        lock.lock();
        try {
            while (true) {
                if (closed || session.isClosed()) {
                    return null;
                }
                if (connectionLost) {
                    throw new JMSException("the connection to the broker was lost");
                }
                if (session.connection().isStarted() && !buffer.isEmpty()) {
                    return buffer.poll();
                }
                if (deadline < 0) {
                    return null;
                }
                long wait = 100;
                if (deadline != Long.MAX_VALUE) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        return null;
                    }
                    wait = Math.min(left, 100);
                }
                JmsConnection c = session.connection();
                if (c.isStarted() && readForDelivery(c, wait)) {
                    continue;
                }
                c.receiversWaiting.incrementAndGet();
                try {
                    c.transport().wantReader();
                    changed.await(wait, TimeUnit.MILLISECONDS);
                } finally {
                    c.receiversWaiting.decrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under lock, with the buffer empty: reads the connection's socket on this thread (lock
     * released meanwhile) until a delivery for this consumer comes or {@code waitMillis} pass, if no
     * other thread reads it; the delivery then needs no hand-off between threads.
     *
     * @return false if another thread reads the socket: wait for {@code changed} instead
     */
    private boolean readForDelivery(JmsConnection c, long waitMillis) throws InterruptedException {
        long seen = arrivals;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        lock.unlock();
        try {
            return c.transport().readUntil(() -> arrivals != seen || closed, deadline);
        } finally {
            lock.lock();
        }
    }

    /** Whether deliveries go to a MessageListener (so a thread of the connection must read them). */
    boolean hasMessageListener() {
        return listener != null;
    }

    private void prepare(JmsMessage m) {
        if (session.ackMode() == Session.CLIENT_ACKNOWLEDGE) {
            m.setAcknowledgeCallback(session::acknowledgeAll);
        }
    }

    private void creditOne(Delivery d) {
        if (prefetch == 0 || d.generation() != session.connection().generation()) {
            // A delivery from before a failover: the new broker opened a fresh window.
            return;
        }
        int grant = 0;
        lock.lock();
        try {
            consumedSinceCredit += d.credits();
            if (consumedSinceCredit >= Math.max(1, prefetch / 2)) {
                grant = consumedSinceCredit;
                consumedSinceCredit = 0;
            }
        } finally {
            lock.unlock();
        }
        if (grant > 0 && !closed) {
            session.connection().transport().send(new CreditFrame(id, grant));
        }
    }

    /** On the session's delivery thread: gives one buffered message to the listener; false if none. */
    boolean deliverOneToListener() {
        MessageListener l = listener;
        if (l == null || closed) {
            return false;
        }
        Delivery d;
        boolean settled;
        lock.lock();
        try {
            d = buffer.poll();
        } finally {
            lock.unlock();
        }
        if (d == null) {
            return false;
        }
        try {
            if (d.frame().message().isExpired(System.currentTimeMillis())) {
                session.discard(d);
                creditOne(d);
                return true;
            }
            JmsMessage m = d.toMessage(session.connection().deliveryCount(d.frame()));
            prepare(m);
            int mode = session.ackMode();
            boolean threw = false;
            session.listenerStarted(d);
            try {
                l.onMessage(m);
            } catch (RuntimeException e) {
                threw = true;
                LOG.warn("MessageListener of consumer {} on {} threw; the message will be redelivered", id, destination, e);
            } finally {
                settled = session.listenerFinished();
            }
            if (!settled) {
                if (threw && (mode == Session.AUTO_ACKNOWLEDGE || mode == Session.DUPS_OK_ACKNOWLEDGE)) {
                    creditOne(d);
                    session.redeliver(d, this);
                    return true;
                }
                session.afterConsumed(d);
            }
            creditOne(d);
        } catch (JMSException e) {
            LOG.warn("acknowledging a delivery to consumer {} failed: {}", id, e.getMessage());
        }
        return true;
    }

    /** Empties the buffer (rollback, recover, close, failover) and returns the deliveries, in order. */
    List<Delivery> drainBuffer() {
        lock.lock();
        try {
            List<Delivery> all = new ArrayList<>(buffer);
            buffer.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** After released deliveries went back: the broker restores their credit; nothing to send. */
    void restoreCredit() {
        session.scheduleDispatch();
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        if (!session.isDeliveryThread()) {
            session.awaitListenerIdle();
        }
        closeFromSession(session.connection().transport().isOpen() || session.connection().failoverEnabled());
    }

    void closeFromSession(boolean tellBroker) throws JMSException {
        if (closed) {
            return;
        }
        closed = true;
        listener = null;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        JmsConnection c = session.connection();
        // A receive() reading the socket for its delivery looks at closed when the read returns.
        c.transport().interruptReading();
        if (!tellBroker) {
            c.unregister(this);
            session.remove(this);
            drainBuffer();
            return;
        }
        c.changeState(() -> {
            c.unregister(this);
            session.remove(this);
            long gen = c.generation();
            return new CloseConsumerFrame(id, drainBuffer().stream().filter(d -> d.generation() == gen)
                    .mapToLong(Delivery::id).toArray());
        }, "CLOSE_CONSUMER");
    }

    // ---- QueueReceiver / TopicSubscriber ----

    @Override
    public Queue getQueue() throws JMSException {
        checkClosed();
        return destination instanceof Queue q ? q : null;
    }

    @Override
    public Topic getTopic() throws JMSException {
        checkClosed();
        return destination instanceof Topic t ? t : null;
    }

    @Override
    public boolean getNoLocal() throws JMSException {
        checkClosed();
        return noLocal;
    }

    @Override
    public String toString() {
        return "JmsMessageConsumer[" + id + " on " + destination + "]";
    }
}
