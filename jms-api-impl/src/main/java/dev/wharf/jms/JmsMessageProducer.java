package dev.wharf.jms;

import dev.wharf.jms.message.JmsMessage;
import dev.wharf.protocol.Frame;
import dev.wharf.protocol.WharfProperties;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.CloseProducerFrame;
import dev.wharf.protocol.frame.CreateProducerFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.SendFrame;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.Queue;
import jakarta.jms.QueueSender;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A message producer, for a fixed destination or anonymous. A send sets the JMS headers on the
 * application's message object, converts it to the wire form, and waits for the broker's
 * confirmation when the message is persistent or the session transacted; a non-persistent
 * send outside a transaction does not wait, except that every {@value #FIRE_AND_FORGET_WINDOW}th
 * one does, so a producer stays within that many messages of the broker. With a
 * {@link CompletionListener} nothing waits: the
 * listener runs on the connection's callback thread once the broker confirms.
 *
 * <p>Settings are for the application thread of the session (JMS producers are not thread-safe).
 */
public class JmsMessageProducer implements QueueSender, TopicPublisher {

    private static final String ID_PREFIX = "ID:" + UUID.randomUUID() + ":";
    private static final AtomicLong MESSAGE_IDS = new AtomicLong();

    private final JmsSession session;
    private final long id;
    private final JmsDestination destination;
    private final Set<CompletableFuture<Frame>> pending = ConcurrentHashMap.newKeySet();
    /** Non-persistent sends since the last confirmed one (a producer is used by one thread at a time). */
    private int unconfirmedSends;
    /** How many unconfirmed non-persistent sends a producer may have on their way. */
    static final int FIRE_AND_FORGET_WINDOW = 1000;
    /** Asynchronous sends in send order, until their callback is handed to the callback thread. */
    private final java.util.ArrayDeque<AsyncSend> asyncSends = new java.util.ArrayDeque<>();
    private volatile boolean closed;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive = Message.DEFAULT_TIME_TO_LIVE;
    private long deliveryDelay = Message.DEFAULT_DELIVERY_DELAY;
    private boolean disableMessageID;
    private boolean disableMessageTimestamp;

    JmsMessageProducer(JmsSession session, long id, JmsDestination destination) {
        this.session = session;
        this.id = id;
        this.destination = destination;
    }

    private CreateProducerFrame createFrame() {
        return new CreateProducerFrame(session.id(), id, destination == null ? null : destination.toWire());
    }

    /** Opens the producer at the broker and adds it to its session. */
    void open() throws JMSException {
        try {
            session.connection().changeState(() -> session.add(this), createFrame(), "CREATE_PRODUCER");
        } catch (JMSException | RuntimeException e) {
            session.remove(this);
            throw e;
        }
    }

    /** On the reconnect thread, under the connection's state lock: re-creates this producer at the new broker. */
    void restore(dev.wharf.jms.internal.Transport t) throws JMSException {
        if (!closed) {
            session.connection().restoreOne(t, createFrame(), "CREATE_PRODUCER " + id);
        }
    }

    private void checkClosed() throws IllegalStateException {
        if (closed || session.isClosed()) {
            throw new IllegalStateException("The producer is closed");
        }
        session.checkClosed();
    }

    // ---- settings ----

    @Override
    public void setDisableMessageID(boolean value) throws JMSException {
        checkClosed();
        disableMessageID = value;
    }

    @Override
    public boolean getDisableMessageID() throws JMSException {
        checkClosed();
        return disableMessageID;
    }

    @Override
    public void setDisableMessageTimestamp(boolean value) throws JMSException {
        checkClosed();
        disableMessageTimestamp = value;
    }

    @Override
    public boolean getDisableMessageTimestamp() throws JMSException {
        checkClosed();
        return disableMessageTimestamp;
    }

    @Override
    public void setDeliveryMode(int mode) throws JMSException {
        checkClosed();
        checkDeliveryMode(mode);
        deliveryMode = mode;
    }

    @Override
    public int getDeliveryMode() throws JMSException {
        checkClosed();
        return deliveryMode;
    }

    @Override
    public void setPriority(int value) throws JMSException {
        checkClosed();
        checkPriority(value);
        priority = value;
    }

    @Override
    public int getPriority() throws JMSException {
        checkClosed();
        return priority;
    }

    @Override
    public void setTimeToLive(long value) throws JMSException {
        checkClosed();
        timeToLive = value;
    }

    @Override
    public long getTimeToLive() throws JMSException {
        checkClosed();
        return timeToLive;
    }

    @Override
    public void setDeliveryDelay(long value) throws JMSException {
        checkClosed();
        deliveryDelay = value;
    }

    @Override
    public long getDeliveryDelay() throws JMSException {
        checkClosed();
        return deliveryDelay;
    }

    @Override
    public Destination getDestination() throws JMSException {
        checkClosed();
        return destination;
    }

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

    private static void checkDeliveryMode(int mode) throws JMSException {
        if (mode != DeliveryMode.PERSISTENT && mode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSException("deliveryMode: " + mode + " (expected: DeliveryMode.PERSISTENT or NON_PERSISTENT)");
        }
    }

    private static void checkPriority(int value) throws JMSException {
        if (value < 0 || value > 9) {
            throw new JMSException("priority: " + value + " (expected: 0..9)");
        }
    }

    // ---- sending ----

    @Override
    public void send(Message message) throws JMSException {
        send(message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Message message, int mode, int prio, long ttl) throws JMSException {
        checkClosed();
        doSend(fixedDestination(), message, mode, prio, ttl, null);
    }

    @Override
    public void send(Destination dest, Message message) throws JMSException {
        send(dest, message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Destination dest, Message message, int mode, int prio, long ttl) throws JMSException {
        checkClosed();
        doSend(anonymousDestination(dest), message, mode, prio, ttl, null);
    }

    @Override
    public void send(Message message, CompletionListener listener) throws JMSException {
        send(message, deliveryMode, priority, timeToLive, listener);
    }

    @Override
    public void send(Message message, int mode, int prio, long ttl, CompletionListener listener) throws JMSException {
        checkClosed();
        requireListener(listener);
        doSend(fixedDestination(), message, mode, prio, ttl, listener);
    }

    @Override
    public void send(Destination dest, Message message, CompletionListener listener) throws JMSException {
        send(dest, message, deliveryMode, priority, timeToLive, listener);
    }

    @Override
    public void send(Destination dest, Message message, int mode, int prio, long ttl, CompletionListener listener) throws JMSException {
        checkClosed();
        requireListener(listener);
        doSend(anonymousDestination(dest), message, mode, prio, ttl, listener);
    }

    @Override
    public void publish(Message message) throws JMSException {
        send(message);
    }

    @Override
    public void publish(Message message, int mode, int prio, long ttl) throws JMSException {
        send(message, mode, prio, ttl);
    }

    @Override
    public void publish(Topic topic, Message message) throws JMSException {
        send(topic, message);
    }

    @Override
    public void publish(Topic topic, Message message, int mode, int prio, long ttl) throws JMSException {
        send(topic, message, mode, prio, ttl);
    }

    @Override
    public void send(Queue queue, Message message) throws JMSException {
        send((Destination) queue, message);
    }

    @Override
    public void send(Queue queue, Message message, int mode, int prio, long ttl) throws JMSException {
        send((Destination) queue, message, mode, prio, ttl);
    }

    private static void requireListener(CompletionListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("completionListener: null");
        }
    }

    private JmsDestination fixedDestination() throws JMSException {
        if (destination == null) {
            throw new UnsupportedOperationException("this producer has no destination: use send(destination, message)");
        }
        return destination;
    }

    private JmsDestination anonymousDestination(Destination dest) throws JMSException {
        if (destination != null) {
            throw new UnsupportedOperationException("this producer sends to " + destination + ": use send(message)");
        }
        if (dest == null) {
            throw new InvalidDestinationException("destination: null");
        }
        return JmsDestination.of(dest);
    }

    private void doSend(JmsDestination dest, Message message, int mode, int prio, long ttl, CompletionListener listener)
            throws JMSException {
        if (message == null) {
            throw new MessageFormatException("message: null");
        }
        checkDeliveryMode(mode);
        checkPriority(prio);
        long now = System.currentTimeMillis();
        message.setJMSDestination(dest);
        message.setJMSDeliveryMode(mode);
        message.setJMSPriority(prio);
        message.setJMSExpiration(ttl > 0 ? now + ttl : 0);
        message.setJMSTimestamp(disableMessageTimestamp ? 0 : now);
        message.setJMSDeliveryTime(now + Math.max(0, deliveryDelay));
        message.setJMSMessageID(disableMessageID ? null : ID_PREFIX + MESSAGE_IDS.incrementAndGet());
        JmsMessage ours = message instanceof JmsMessage m ? m : JmsMessage.copyOf(message);
        JmsConnection c = session.connection();
        WireMessage wire;
        byte[] largeBytes = null;
        if (ours.hasExternalBody()) {
            wire = ours.toWireWithoutBody(c.connectionId());
        } else {
            wire = ours.toWire(c.connectionId());
            byte[] body = wire.body();
            if (body != null && body.length > c.largeMessageThreshold()) {
                largeBytes = body;
                wire = wire.withBody(null);
            }
        }
        if (c.failoverEnabled() && !wire.properties().containsKey(WharfProperties.DUPLICATE_ID)) {
            // A send cut off by a failover is sent again; this id lets the new broker drop a copy it has.
            java.util.Map<String, Object> props = new java.util.HashMap<>(wire.properties());
            props.put(WharfProperties.DUPLICATE_ID, wire.messageId() != null ? wire.messageId()
                    : ID_PREFIX + MESSAGE_IDS.incrementAndGet());
            wire = wire.withProperties(props);
        }
        if (largeBytes != null || ours.hasExternalBody()) {
            sendLarge(dest, message, ours, wire, largeBytes, listener);
            return;
        }
        int size = wire.estimatedSize();
        if (size > c.maxFrameSize()) {
            throw new JMSException("message of about " + size + " bytes exceeds the broker's maximum of " + c.maxFrameSize()
                    + " bytes; send smaller messages or raise the broker's max.frame.size");
        }
        SendFrame frame = new SendFrame(session.id(), id, wire);
        boolean transacted = session.ackMode() == Session.SESSION_TRANSACTED;
        // A transacted send waits too: the broker tells a connection to hold its sends to a full
        // BLOCK address whether or not they are in a transaction.
        c.awaitRoomIn(wire.destination());
        if (listener == null && mode == DeliveryMode.NON_PERSISTENT && !transacted) {
            // Not confirmed one by one, but every FIRE_AND_FORGET_WINDOW-th send waits for its
            // answer: the broker handles a connection's frames in order, so a producer can never be
            // more than a window ahead of it, however fast it sends.
            if (++unconfirmedSends < FIRE_AND_FORGET_WINDOW) {
                c.transport().send(frame);
                return;
            }
            unconfirmedSends = 0;
        }
        String what = "SEND to " + dest;
        // In a transaction, a send cut off by a failover is not sent again: the transaction is lost with it.
        boolean waiting = listener == null && !(transacted && session.stagesSendsWithoutWaiting());
        CompletableFuture<Frame> answer = c.request(frame, null, transacted || session.commitsEachSend()
                ? JmsConnection.AfterFailover.FAIL : JmsConnection.AfterFailover.RESEND, -1, what, waiting);
        if (listener == null && transacted && session.stagesSendsWithoutWaiting()) {
            // Staged until commit, which checks this answer: no round trip per send.
            session.stagedSend(answer);
            return;
        }
        if (session.commitsEachSend()) {
            // An XA session outside a global transaction: the send is its own transaction.
            c.await(answer, what);
            session.afterSend();
            if (listener != null) {
                pending.add(answer);
                AsyncSend send = new AsyncSend(message, listener, answer);
                synchronized (asyncSends) {
                    asyncSends.add(send);
                }
                completed(send, answer.join(), null);
            }
            return;
        }
        if (listener == null) {
            c.await(answer, what);
            return;
        }
        pending.add(answer);
        AsyncSend send = new AsyncSend(message, listener, answer);
        synchronized (asyncSends) {
            asyncSends.add(send);
        }
        answer.whenComplete((f, t) -> completed(send, f, t));
    }

    /**
     * Sends a large message: its body streams to the broker in chunks from {@code bytes}, the
     * message's body file, or its InputStream. Always waits for the broker's answer before it
     * returns, so that the producer's later sends (and a commit) stay behind it; a
     * {@code CompletionListener} is then called in order with the producer's other callbacks.
     * A send cut off by a failover is streamed again to the new broker (with the duplicate id the
     * producer set, so a copy the broker already stored is dropped) when its body can be read
     * again (bytes or a file) and it is not part of a transaction; else it fails, and the
     * application may retry it.
     */
    private void sendLarge(JmsDestination dest, Message message, JmsMessage ours, WireMessage wire, byte[] bytes,
                           CompletionListener listener) throws JMSException {
        JmsConnection c = session.connection();
        boolean transacted = session.ackMode() == Session.SESSION_TRANSACTED;
        // A transacted send waits too: the broker tells a connection to hold its sends to a full
        // BLOCK address whether or not they are in a transaction.
        c.awaitRoomIn(wire.destination());
        java.io.InputStream stream = bytes == null ? ((dev.wharf.jms.message.JmsBytesMessage) ours).bodyInputStream() : null;
        boolean resendable = stream == null && c.failoverEnabled() && !transacted && !session.commitsEachSend();
        String what = "SEND of a large message to " + dest;
        CompletableFuture<Frame> answer;
        JMSException failure = null;
        for (int attempt = 1; ; attempt++) {
            long generation = c.generation();
            java.io.InputStream body = stream != null ? stream : openBody(ours, bytes);
            long length = stream != null ? -1 : bytes != null ? bytes.length : fileLength(ours);
            try {
                answer = c.transport().sendLarge(session.id(), id, wire, body, length, c.maxFrameSize(), c.answerTimeout());
                if (listener == null || resendable) {
                    c.await(answer, what);
                }
                failure = null;
                break;
            } catch (JMSException e) {
                boolean lost = e instanceof dev.wharf.jms.internal.ConnectionLostException || c.generation() != generation;
                if (!resendable || !lost || attempt >= 5) {
                    if (listener == null) {
                        throw e;
                    }
                    answer = CompletableFuture.failedFuture(e);
                    failure = e;
                    break;
                }
                c.awaitFailover(generation);
            } finally {
                if (stream == null) {
                    try {
                        body.close();
                    } catch (java.io.IOException e) {
                        // read-only
                    }
                }
            }
        }
        if (listener == null) {
            if (session.commitsEachSend()) {
                session.afterSend();
            }
            return;
        }
        if (failure == null) {
            try {
                answer.get(c.answerTimeout(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // the callback reports it
            }
        }
        if (session.commitsEachSend() && answer.isDone() && !answer.isCompletedExceptionally()
                && !(answer.join() instanceof ErrorFrame)) {
            session.afterSend();
        }
        pending.add(answer);
        AsyncSend send = new AsyncSend(message, listener, answer);
        synchronized (asyncSends) {
            asyncSends.add(send);
        }
        answer.whenComplete((f, t) -> completed(send, f, t));
    }

    /** A fresh stream over a large body held in memory or in the message's file. */
    private static java.io.InputStream openBody(JmsMessage ours, byte[] bytes) throws JMSException {
        if (bytes != null) {
            return new java.io.ByteArrayInputStream(bytes);
        }
        dev.wharf.jms.message.LargeBodyFile file = ((dev.wharf.jms.message.JmsBytesMessage) ours).bodyFile();
        try {
            return java.nio.file.Files.newInputStream(file.path());
        } catch (java.io.IOException e) {
            JMSException jmse = new JMSException("cannot read the large message body in " + file.path() + ": " + e);
            jmse.initCause(e);
            throw jmse;
        }
    }

    private static long fileLength(JmsMessage ours) throws JMSException {
        dev.wharf.jms.message.LargeBodyFile file = ((dev.wharf.jms.message.JmsBytesMessage) ours).bodyFile();
        try {
            return java.nio.file.Files.size(file.path());
        } catch (java.io.IOException e) {
            JMSException jmse = new JMSException("cannot read the size of the large message body in " + file.path() + ": " + e);
            jmse.initCause(e);
            throw jmse;
        }
    }

    /** An asynchronous send waiting for its answer, or for earlier sends' callbacks. */
    private static final class AsyncSend {
        final Message message;
        final CompletionListener listener;
        final CompletableFuture<Frame> answer;
        Frame frame;
        Throwable failure;
        boolean answered;

        AsyncSend(Message message, CompletionListener listener, CompletableFuture<Frame> answer) {
            this.message = message;
            this.listener = listener;
            this.answer = answer;
        }
    }

    /**
     * An answer arrived. Answers may come in any order, but JMS wants a producer's completion
     * callbacks in send order: hand over every answered send at the head of the line, in order,
     * to the connection's single callback thread.
     */
    private void completed(AsyncSend send, Frame f, Throwable t) {
        synchronized (asyncSends) {
            send.frame = f;
            send.failure = t;
            send.answered = true;
            while (!asyncSends.isEmpty() && asyncSends.peek().answered) {
                AsyncSend next = asyncSends.poll();
                session.connection().callbacks().execute(() -> callback(next));
            }
        }
    }

    private void callback(AsyncSend send) {
        try {
            if (send.failure != null) {
                send.listener.onException(send.message, JmsExceptionSupport.toJms(send.failure));
            } else if (send.frame instanceof ErrorFrame e) {
                send.listener.onException(send.message, JmsExceptionSupport.fromError(e));
            } else {
                send.listener.onCompletion(send.message);
            }
        } finally {
            pending.remove(send.answer);
        }
    }

    /** Waits until every asynchronous send of this producer has had its callback (commit and close need this). */
    void awaitPendingSends() throws JMSException {
        if (session.connection().callbacksThread()) {
            return;
        }
        long wait = session.connection().answerTimeout();
        long deadline = System.currentTimeMillis() + wait;
        while (!pending.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new JMSException("asynchronous sends still unconfirmed after " + wait + " ms");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JMSException("interrupted while waiting for asynchronous sends");
            }
        }
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        if (session.connection().callbacksThread()) {
            throw new IllegalStateException("a CompletionListener must not close its own producer");
        }
        awaitPendingSends();
        closed = true;
        JmsConnection c = session.connection();
        if ((c.transport().isOpen() || c.failoverEnabled()) && !session.isClosed()) {
            c.changeState(() -> session.remove(this), new CloseProducerFrame(id), "CLOSE_PRODUCER");
        } else {
            session.remove(this);
        }
    }

    @Override
    public String toString() {
        return "JmsMessageProducer[" + id + (destination == null ? " anonymous" : " to " + destination) + "]";
    }
}
