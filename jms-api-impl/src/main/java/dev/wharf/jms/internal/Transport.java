package dev.wharf.jms.internal;

import dev.wharf.jms.JmsExceptionSupport;
import dev.wharf.jms.message.LargeBodyFile;
import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameDecoder;
import dev.wharf.protocol.FrameEncoder;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.MalformedFrame;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.ProtocolVersion;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.AddressFlowFrame;
import dev.wharf.protocol.frame.BodyChunkFrame;
import dev.wharf.protocol.frame.BodyEndFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.PingFrame;
import dev.wharf.protocol.frame.LargeDeliverFrame;
import dev.wharf.protocol.frame.LargeSendFrame;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection to a broker: sends frames, matches answers to requests by correlation
 * id, and hands deliveries and connection events to a {@link Listener}.
 *
 * <p>Liveness: with a {@link Heartbeat}, the transport sends {@code PING} whenever it has read
 * nothing or written nothing for the heartbeat interval, so the broker (which answers every
 * PING) and the client each hear from the other at least that often; when nothing at all has
 * been read for the connection TTL, the broker is taken for dead (its host may have gone
 * without a TCP reset) and the connection is closed as lost, which starts failover.
 *
 * <p>Thread-safe. Frames are read and handled (request futures completed, the listener called)
 * by one thread at a time, in order: the connection's reader thread, or an application thread
 * that waits for an answer in {@link #get} and reads it itself ({@link ClientSocket} says why
 * and how); listeners must not block. Requests a thread waits for are written by that thread,
 * others by the connection's writer thread.
 * While a large delivery comes in, its chunks and every frame after it are handled, in order, on
 * the {@code wharf-client-large-io} thread instead, which writes the body to a temporary file
 * (no reading thread waits for the disk); the listener is then called on that thread.
 */
public final class Transport {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /**
     * Keep-alive settings: ping after {@code intervalMillis} of silence either way; give the
     * peer up after {@code ttlMillis} without reading anything. {@link #NONE}: neither.
     */
    public record Heartbeat(int intervalMillis, int ttlMillis) {
        public static final Heartbeat NONE = new Heartbeat(0, 0);

        public Heartbeat {
            if (intervalMillis < 0 || ttlMillis < 0) {
                throw new IllegalArgumentException("heartbeat: interval " + intervalMillis + " ms, ttl " + ttlMillis
                        + " ms (expected: >= 0)");
            }
            if (intervalMillis > 0 && ttlMillis < 2L * intervalMillis) {
                throw new IllegalArgumentException("connectionTtl: " + ttlMillis + " ms (expected: at least twice"
                        + " heartbeatInterval, " + 2L * intervalMillis + " ms, so that one late ping is not taken for a dead peer)");
            }
        }

        boolean enabled() {
            return intervalMillis > 0;
        }
    }

    /** What the owning connection hears from the reading thread (one at a time, in order). */
    public interface Listener {
        /**
         * A message for a consumer. Called on the reading thread: enqueue, don't block. For a large
         * BytesMessage {@code largeBody} holds its body (the frame's message has none); else null.
         * {@code credits}: the consumer credit the delivery took (1; all the credit for a large message).
         */
        void onDeliver(DeliverFrame deliver, LargeBodyFile largeBody, int credits);

        /** An error not tied to a request (an asynchronous send failed, or the broker is closing us). */
        void onUnsolicitedError(ErrorFrame error);

        /** The broker blocked (or unblocked) sends to an address that is full. Called on the reading thread. */
        void onAddressFlow(AddressFlowFrame flow);

        /** The TCP connection is gone; every pending request has failed with {@code cause}. */
        void onClosed(JMSException cause);

        /**
         * Whether deliveries may come (the connection has consumers): then a thread that read its
         * own answer hands reading back to the connection's reader thread at once.
         */
        default boolean expectsDeliveries() {
            return true;
        }
    }

    /** Sends heartbeats and watches for silent brokers, for every connection of the JVM. */
    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("wharf-client-heartbeat", true));

    private final ClientSocket socket;
    private final String address;
    private final Heartbeat heartbeat;
    private volatile ScheduledFuture<?> heartbeats;
    private final Map<Long, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
    private final Map<Long, Runnable> beforeAnswer = new ConcurrentHashMap<>();
    private final AtomicLong correlation = new AtomicLong();
    private volatile Listener listener;
    private volatile boolean closing;
    private final AtomicLong streamIds = new AtomicLong();
    /**
     * Large deliveries being received. Used by one thread at a time: the reading thread, or
     * {@link #LARGE_IO} while frames are diverted to it ({@link #inbound}).
     */
    private final Map<Long, IncomingLarge> incoming = new HashMap<>();
    /** Writes large bodies to disk (and handles the frames that follow them, in order); shared by all connections. */
    private static final ExecutorService LARGE_IO = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("wharf-client-large-io", true));
    /** Chunk bytes waiting for the disk above which the channel stops reading, and below which it reads again. */
    static final long PAUSE_BYTES = 8L * 1024 * 1024;
    static final long RESUME_BYTES = 2L * 1024 * 1024;
    /** Confined to the reading thread: a large delivery is between its LARGE_DELIVER and its BODY_END. */
    private boolean largeOpen;
    /** Frames handed to LARGE_IO and not yet handled (incremented by the reading thread, decremented on LARGE_IO). */
    private final AtomicInteger diverted = new AtomicInteger();
    private final AtomicLong divertedBytes = new AtomicLong();

    /** The chunk size of large messages this client sends. */
    public static final int CHUNK_SIZE = 256 * 1024;

    /** A large delivery on its way in: its body goes to a temporary file as it arrives. */
    private static final class IncomingLarge {
        final LargeDeliverFrame begin;
        final LargeBodyFile file;
        FileChannel channel;
        long received;
        IOException failure;

        IncomingLarge(LargeDeliverFrame begin, LargeBodyFile file) {
            this.begin = begin;
            this.file = file;
        }
    }

    private Transport(ClientSocket socket, String address, Heartbeat heartbeat) {
        this.socket = socket;
        this.address = address;
        this.heartbeat = heartbeat;
    }

    /** Opens a TCP connection without keep-alive; see {@link #connect(String, int, int, Heartbeat)}. */
    public static Transport connect(String host, int port, int connectTimeoutMillis) throws JMSException {
        return connect(host, port, connectTimeoutMillis, Heartbeat.NONE);
    }

    /** Opens a TCP connection; fails with a JMSException naming the address within {@code connectTimeoutMillis}. */
    public static Transport connect(String host, int port, int connectTimeoutMillis, Heartbeat heartbeat) throws JMSException {
        String address = "wharf://" + host + ":" + port;
        ClientSocket socket;
        try {
            socket = ClientSocket.connect(host, port, connectTimeoutMillis, address);
        } catch (IOException | RuntimeException e) {
            String why = e instanceof java.net.SocketTimeoutException ? "timed out after " + connectTimeoutMillis + " ms"
                    : e instanceof java.nio.channels.UnresolvedAddressException || e instanceof java.net.UnknownHostException
                            ? "unknown host " + host
                            : String.valueOf(e.getMessage());
            JMSException jmse = new JMSException("cannot connect to " + address + ": " + why
                    + "; is a Wharf broker running there?");
            jmse.setLinkedException(e);
            jmse.initCause(e);
            throw jmse;
        }
        Transport t = new Transport(socket, address, heartbeat);
        socket.start(t.new Inbound());
        if (heartbeat.enabled()) {
            long period = Math.max(10, heartbeat.intervalMillis() / 2);
            t.heartbeats = HEARTBEATS.scheduleAtFixedRate(t::heartbeat, period, period, TimeUnit.MILLISECONDS);
        }
        return t;
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public String address() {
        return address;
    }

    public boolean isOpen() {
        return socket.isOpen() && !closing;
    }

    /** Sends a request; the future completes with the answer frame or fails. */
    public CompletableFuture<Frame> request(Frame frame) {
        return request(frame, null);
    }

    /**
     * Sends a request; {@code onAnswer} runs on the reading thread when the answer arrives, before any
     * later frame is handled: a cut between what the peer sent before its answer and after it.
     */
    public CompletableFuture<Frame> request(Frame frame, Runnable onAnswer) {
        return request(frame, onAnswer, false);
    }

    /**
     * {@link #request(Frame, Runnable)}; {@code waiting}: the calling thread is about to wait for
     * the answer ({@link #get}), so it writes the request itself rather than waking the writer thread.
     */
    public CompletableFuture<Frame> request(Frame frame, Runnable onAnswer, boolean waiting) {
        long id = correlation.incrementAndGet();
        CompletableFuture<Frame> future = new CompletableFuture<>();
        if (onAnswer != null) {
            beforeAnswer.put(id, onAnswer);
        }
        pending.put(id, future);
        if (!socket.isOpen() || closing) {
            pending.remove(id);
            beforeAnswer.remove(id);
            future.completeExceptionally(lost(false));
            return future;
        }
        socket.write(new Packet(id, frame), waiting);
        return future;
    }

    /** Sends a frame that wants no answer. */
    public void send(Frame frame) {
        socket.write(new Packet(0, frame), false);
    }

    /**
     * Sends a frame that wants no answer and may go out a little later (within 100 ms), with the
     * next frame written or before the thread that reads next waits for the socket, so that it
     * wakes no thread of its own (an acknowledgement nobody waits for).
     */
    public void sendLazily(Frame frame) {
        socket.writeLazily(new Packet(0, frame));
    }

    /**
     * Sends a large message: the LARGE_SEND frame, then the body read from {@code body} in chunks
     * of {@link #CHUNK_SIZE}, never more than {@link #WINDOW} chunks written and not yet on the
     * socket (the caller's thread waits for the socket: back-pressure), then BODY_END as a request.
     * Blocks the calling thread while the body streams; must not be called on the reading thread.
     *
     * @param length the body's length, or -1 if unknown
     * @param maxFrameSize the broker's frame limit: chunks are made small enough to fit it
     * @return the answer to BODY_END (OK when the broker stored or staged the message)
     * @throws JMSException if reading the body fails (the broker is told to discard it) or the
     *     connection is lost or stalls for {@code timeoutMillis}
     */
    public CompletableFuture<Frame> sendLarge(long sessionId, long producerId, WireMessage headers,
                                              InputStream body, long length, int maxFrameSize,
                                              long timeoutMillis) throws JMSException {
        long streamId = streamIds.incrementAndGet();
        // A chunk frame is the header, the stream id and the bytes' length before the bytes.
        int chunkSize = (int) Math.max(1024, Math.min(CHUNK_SIZE, (long) maxFrameSize - 64));
        if (!isOpen()) {
            throw lost(false);
        }
        writeChunk(new Packet(0, new LargeSendFrame(sessionId, producerId, streamId, length, headers)), timeoutMillis);
        long total = 0;
        try {
            while (true) {
                byte[] chunk = new byte[chunkSize];
                int n = body.readNBytes(chunk, 0, chunkSize);
                if (n <= 0) {
                    break;
                }
                if (n < chunkSize) {
                    chunk = Arrays.copyOf(chunk, n);
                }
                total += n;
                // Written by this thread: it waits while the socket is full (back-pressure).
                writeChunk(new Packet(0, new BodyChunkFrame(streamId, chunk)), timeoutMillis);
                if (n < chunkSize) {
                    break;
                }
            }
        } catch (IOException e) {
            socket.write(new Packet(0, new BodyEndFrame(streamId, total, true)), false);
            JMSException jmse = new JMSException("cannot read the body of a large message after " + total + " bytes: "
                    + e.getMessage() + "; the message was not sent");
            jmse.setLinkedException(e);
            jmse.initCause(e);
            throw jmse;
        }
        return request(new BodyEndFrame(streamId, total, false), null, true);
    }

    private void writeChunk(Packet packet, long timeoutMillis) throws JMSException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis > 0 ? timeoutMillis : Long.MAX_VALUE / 2_000_000);
        if (!socket.writeHere(packet, deadline)) {
            throw new JMSException("a large message's body could not be written to " + address + " within "
                    + timeoutMillis + " ms; the broker or the network is stalled");
        }
        if (!socket.isOpen()) {
            throw lost(false);
        }
    }

    // ---- large deliveries, on the reading thread ----

    private void largeBegin(LargeDeliverFrame d) {
        IncomingLarge in;
        try {
            in = new IncomingLarge(d, LargeBodyFile.create(null));
        } catch (UncheckedIOException e) {
            in = new IncomingLarge(d, null);
            in.failure = e.getCause();
        }
        IncomingLarge old = incoming.put(d.deliveryId(), in);
        if (old != null && old.file != null) {
            closeQuietly(old);
            old.file.delete();
        }
    }

    private void largeChunk(BodyChunkFrame c) {
        IncomingLarge in = incoming.get(c.streamId());
        if (in == null || in.failure != null) {
            return;
        }
        try {
            if (in.channel == null) {
                in.channel = FileChannel.open(in.file.path(), StandardOpenOption.WRITE);
            }
            ByteBuffer buf = ByteBuffer.wrap(c.data());
            while (buf.hasRemaining()) {
                in.channel.write(buf);
            }
            in.received += c.data().length;
        } catch (IOException e) {
            in.failure = e;
        }
    }

    private void largeEnd(BodyEndFrame end) {
        IncomingLarge in = incoming.remove(end.streamId());
        if (in == null) {
            return;
        }
        closeQuietly(in);
        LargeDeliverFrame d = in.begin;
        if (end.aborted() || in.failure != null || in.received != d.bodyLength()) {
            LOG.error("Large message {} from {} could not be received ({});"
                    + " it stays unacknowledged and comes again when its session closes", d.message().messageId(), address,
                    end.aborted() ? "the broker cut it off" : in.failure != null ? in.failure.toString()
                            : in.received + " of " + d.bodyLength() + " bytes");
            if (in.file != null) {
                in.file.delete();
            }
            return;
        }
        in.file.length(in.received);
        Listener l = listener;
        WireMessage m = d.message();
        if (m.bodyType() != BodyType.BYTES) {
            // Other message types are whole in memory at the application anyway: assemble the body.
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(in.file.path());
            } catch (IOException | OutOfMemoryError e) {
                LOG.error("Large message {} of {} bytes cannot be read"
                        + " into memory: {}", m.messageId(), in.received, e.toString());
                in.file.delete();
                return;
            } finally {
                in.file.delete();
            }
            if (l != null) {
                l.onDeliver(new DeliverFrame(d.consumerId(), d.deliveryId(), d.deliveryCount(), m.withBody(bytes)), null,
                        d.credits());
            }
            return;
        }
        if (l != null) {
            l.onDeliver(new DeliverFrame(d.consumerId(), d.deliveryId(), d.deliveryCount(), m), in.file, d.credits());
        } else {
            in.file.delete();
        }
    }

    private static void closeQuietly(IncomingLarge in) {
        if (in.channel != null) {
            try {
                in.channel.close();
            } catch (IOException e) {
                in.failure = in.failure == null ? e : in.failure;
            }
            in.channel = null;
        }
    }

    private void dropIncoming() {
        for (IncomingLarge in : incoming.values()) {
            closeQuietly(in);
            if (in.file != null) {
                in.file.delete();
            }
        }
        incoming.clear();
    }

    /**
     * Sends a request and waits for its answer.
     *
     * @throws JMSException the broker's error translated, a lost connection, or a timeout naming {@code what}
     */
    public Frame call(Frame frame, long timeoutMillis, String what) throws JMSException {
        return await(request(frame, null, true), timeoutMillis, what);
    }

    /** {@link #call} with an {@code onAnswer} cut, see {@link #request(Frame, Runnable)}. */
    public Frame call(Frame frame, Runnable onAnswer, long timeoutMillis, String what) throws JMSException {
        return await(request(frame, onAnswer, true), timeoutMillis, what);
    }

    /** Waits for an answer; an ERROR answer becomes the matching JMS exception. */
    public Frame await(CompletableFuture<Frame> future, long timeoutMillis, String what) throws JMSException {
        Frame answer;
        try {
            answer = get(future, timeoutMillis);
        } catch (TimeoutException e) {
            throw new JMSException("no answer from " + address + " to " + what + " within " + timeoutMillis
                    + " ms; raise requestTimeout or check the broker");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while waiting for " + what);
        } catch (ExecutionException e) {
            throw JmsExceptionSupport.toJms(e.getCause());
        }
        if (answer instanceof ErrorFrame error) {
            throw JmsExceptionSupport.fromError(error);
        }
        return answer;
    }

    /**
     * {@code future.get}, within {@code timeoutMillis} (0: no limit), reading this connection's
     * socket on the calling thread meanwhile when no other thread does: the answer it waits for
     * then needs no thread hand-off. Blocks.
     */
    public <T> T get(CompletableFuture<T> future, long timeoutMillis)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis > 0 ? timeoutMillis : Long.MAX_VALUE / 2_000_000);
        if (!future.isDone()) {
            socket.readUntil(future::isDone, deadline);
        }
        if (timeoutMillis <= 0) {
            return future.get();
        }
        return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * Reads this connection's socket on the calling thread until {@code done} or the deadline,
     * if no other thread is reading it (for a consumer waiting for a delivery). Blocks.
     *
     * @return false if another thread reads, or reading here had to stop: wait for {@code done}
     *     another way (the frames reach the listener all the same)
     */
    public boolean readUntil(java.util.function.BooleanSupplier done, long deadlineNanos) throws InterruptedException {
        return socket.readUntil(done, deadlineNanos);
    }

    /**
     * Call after registering a wait for frames that this thread will not read itself (see
     * {@link Listener#expectsDeliveries}): makes sure some thread reads the socket.
     */
    public void wantReader() {
        socket.wantReader();
    }

    /** Makes a thread in {@link #readUntil} look at its condition again now (one that another thread changed). */
    public void interruptReading() {
        socket.wakeup();
    }

    /** Closes the socket; pending requests fail. */
    public void close() {
        closing = true;
        socket.close(null);
        socket.awaitClosed(5000);
    }

    private JMSException lost(boolean maybeDelivered) {
        return new ConnectionLostException("the connection to " + address + " is closed", maybeDelivered);
    }

    private void closed() {
        ScheduledFuture<?> h = heartbeats;
        if (h != null) {
            h.cancel(false);
        }
        JMSException cause = lost(true);
        for (Long id : pending.keySet()) {
            CompletableFuture<Frame> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(cause);
            }
        }
        Listener l = listener;
        if (l != null && !closing) {
            String reason = socket.closeReason();
            l.onClosed(new JMSException("lost the connection to " + address + (reason == null ? "" : ": " + reason)));
        }
    }

    /**
     * On the heartbeat thread: pings after an interval of silence either way, and closes the
     * connection when the broker has sent nothing for the TTL.
     */
    private void heartbeat() {
        long now = System.nanoTime();
        long silentMillis = TimeUnit.NANOSECONDS.toMillis(now - socket.lastReadNanos());
        if (silentMillis >= heartbeat.ttlMillis()) {
            String reason = "the broker sent nothing for " + silentMillis + " ms (connectionTtl " + heartbeat.ttlMillis()
                    + " ms); taking it for dead";
            LOG.warn("{}: {}", address, reason);
            socket.close(reason);
            ScheduledFuture<?> h = heartbeats;
            if (h != null) {
                h.cancel(false);
            }
            return;
        }
        if (silentMillis >= heartbeat.intervalMillis()
                || TimeUnit.NANOSECONDS.toMillis(now - socket.lastWriteNanos()) >= heartbeat.intervalMillis()) {
            // Silent one way or the other for a heartbeat interval: a ping makes both sides hear something.
            socket.write(new Packet(0, new PingFrame()), false);
        }
    }

    /** What the socket hands up, on the reading thread. */
    private final class Inbound implements ClientSocket.Handler {
        @Override
        public void frame(Object msg) {
            inbound(msg);
        }

        @Override
        public void closed() {
            inactive();
        }

        @Override
        public void unsent(Packet packet) {
            if (packet.correlationId() != 0) {
                beforeAnswer.remove(packet.correlationId());
                CompletableFuture<Frame> f = pending.remove(packet.correlationId());
                if (f != null) {
                    f.completeExceptionally(lost(false));
                }
            }
        }

        @Override
        public boolean expectsFrames() {
            Listener l = listener;
            return l == null || l.expectsDeliveries();
        }

        @Override
        public boolean answersOutstanding() {
            return !pending.isEmpty();
        }

        @Override
        public boolean diverting() {
            return largeOpen || diverted.get() > 0;
        }
    }

    // ---- inbound frames: on the reading thread, or in order on the large-message thread ----

    /**
     * On the reading thread: handles a frame now, or, while a large delivery is on its way in (and
     * until every frame that followed it was handled), hands it to {@link #LARGE_IO}, which writes
     * the body's chunks to disk; so no reading thread waits for the disk, and frames are
     * handled in the order they came. While more than {@link #PAUSE_BYTES} of chunks wait for
     * the disk, the socket is not read (TCP holds the broker back).
     */
    private void inbound(Object msg) {
        FrameType type = msg instanceof Packet p ? p.frame().type() : null;
        if (type == FrameType.LARGE_DELIVER) {
            largeOpen = true;
        }
        if (!largeOpen && diverted.get() == 0) {
            handle(msg);
            return;
        }
        if (type == FrameType.BODY_END && ((Packet) msg).correlationId() == 0) {
            largeOpen = false;
        }
        int bytes = type == FrameType.BODY_CHUNK ? ((BodyChunkFrame) ((Packet) msg).frame()).data().length : 0;
        diverted.incrementAndGet();
        if (bytes > 0 && divertedBytes.addAndGet(bytes) > PAUSE_BYTES) {
            socket.pause();
        }
        LARGE_IO.execute(() -> {
            try {
                handle(msg);
            } catch (RuntimeException e) {
                LOG.error("Error handling a frame from {}; closing the"
                        + " connection", address, e);
                socket.close("a frame from the broker could not be handled: " + e);
            } finally {
                diverted.decrementAndGet();
                if (bytes > 0) {
                    long after = divertedBytes.addAndGet(-bytes);
                    if (after <= RESUME_BYTES && after + bytes > RESUME_BYTES) {
                        socket.resume();
                    }
                }
            }
        });
    }

    /** On the reading thread: the socket closed; handled after every frame that came before it. */
    private void inactive() {
        if (!largeOpen && diverted.get() == 0) {
            dropIncoming();
            closed();
            return;
        }
        diverted.incrementAndGet();
        LARGE_IO.execute(() -> {
            try {
                dropIncoming();
                closed();
            } finally {
                diverted.decrementAndGet();
            }
        });
    }

    private void handle(Object msg) {
        Transport t = this;
        if (msg instanceof MalformedFrame bad) {
            Listener l = t.listener;
            if (l != null) {
                l.onUnsolicitedError(new ErrorFrame(ErrorCode.PROTOCOL_ERROR, "bad frame from the broker: " + bad.reason()));
            }
            if (bad.fatal()) {
                socket.close("bad frame from the broker: " + bad.reason());
            }
            return;
        }
        Packet p = (Packet) msg;
        if (p.frame() instanceof DeliverFrame d) {
            Listener l = t.listener;
            if (l != null) {
                l.onDeliver(d, null, 1);
            }
            return;
        }
        switch (p.frame().type()) {
            case LARGE_DELIVER -> {
                t.largeBegin((LargeDeliverFrame) p.frame());
                return;
            }
            case BODY_CHUNK -> {
                t.largeChunk((BodyChunkFrame) p.frame());
                return;
            }
            case BODY_END -> {
                if (p.correlationId() == 0) {
                    t.largeEnd((BodyEndFrame) p.frame());
                    return;
                }
            }
            default -> { }
        }
        if (p.correlationId() != 0) {
            Runnable hook = t.beforeAnswer.remove(p.correlationId());
            if (hook != null) {
                hook.run();
            }
            CompletableFuture<Frame> f = t.pending.remove(p.correlationId());
            if (f != null) {
                f.complete(p.frame());
            }
            return;
        }
        if (p.frame() instanceof AddressFlowFrame flow) {
            Listener l = t.listener;
            if (l != null) {
                l.onAddressFlow(flow);
            }
            return;
        }
        if (p.frame() instanceof ErrorFrame e && t.listener != null) {
            t.listener.onUnsolicitedError(e);
        }
    }

    /** The default maximum frame size, for callers that check message sizes before sending. */
    public static int defaultMaxFrameSize() {
        return ProtocolVersion.DEFAULT_MAX_FRAME_SIZE;
    }
}
