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
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
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
 * <p>Thread-safe. The Netty I/O thread completes request futures and calls the listener;
 * listeners must not block it. All connections of a JVM share one small I/O thread group
 * ({@link #IO_THREADS}); each connection stays on one of its threads.
 * While a large delivery comes in, its chunks and every frame after it are handled, in order, on
 * the {@code wharf-client-large-io} thread instead, which writes the body to a temporary file
 * (the I/O thread never waits for the disk); the listener is then called on that thread.
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

    /** What the owning connection hears from the I/O thread. */
    public interface Listener {
        /**
         * A message for a consumer. Called on the I/O thread: enqueue, don't block. For a large
         * BytesMessage {@code largeBody} holds its body (the frame's message has none); else null.
         * {@code credits}: the consumer credit the delivery took (1; all the credit for a large message).
         */
        void onDeliver(DeliverFrame deliver, LargeBodyFile largeBody, int credits);

        /** An error not tied to a request (an asynchronous send failed, or the broker is closing us). */
        void onUnsolicitedError(ErrorFrame error);

        /** The broker blocked (or unblocked) sends to an address that is full. Called on the I/O thread. */
        void onAddressFlow(AddressFlowFrame flow);

        /** The TCP connection is gone; every pending request has failed with {@code cause}. */
        void onClosed(JMSException cause);
    }

    /**
     * Netty's native epoll transport where it loads (Linux on x86-64): a wake-up of the I/O thread,
     * which every request from an application thread needs, costs less than with NIO. NIO
     * elsewhere, or with {@code -Dwharf.transport.nio=true}.
     */
    static final boolean EPOLL = !Boolean.getBoolean("wharf.transport.nio") && Epoll.isAvailable();
    /**
     * Two by default (one on a single core): with one, the OK a synchronous producer waits for
     * queued behind the deliveries and acknowledgements of a consumer in the same JVM; a second
     * thread made one synchronous producer with a consumer beside it 40-60 % faster (load tool,
     * 1x1 sync) and the non-persistent consumer 40 % faster. {@code -Dwharf.client.ioThreads=N}.
     */
    static final int IO_THREADS = Math.max(1, Integer.getInteger("wharf.client.ioThreads",
            Math.min(2, Runtime.getRuntime().availableProcessors())));
    private static final EventLoopGroup GROUP = EPOLL
            ? new EpollEventLoopGroup(IO_THREADS, new DefaultThreadFactory("wharf-client-io", true))
            : new NioEventLoopGroup(IO_THREADS, new DefaultThreadFactory("wharf-client-io", true));

    private final Channel channel;
    private final String address;
    private final Map<Long, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
    private final Map<Long, Runnable> beforeAnswer = new ConcurrentHashMap<>();
    private final AtomicLong correlation = new AtomicLong();
    private volatile Listener listener;
    private volatile boolean closing;
    /** Why the I/O thread closed the channel itself, for the connection-lost message; written before the close. */
    private volatile String closeReason;
    private final AtomicLong streamIds = new AtomicLong();
    /**
     * Large deliveries being received. Used by one thread at a time: the I/O thread, or
     * {@link #LARGE_IO} while frames are diverted to it ({@link #inbound}).
     */
    private final Map<Long, IncomingLarge> incoming = new HashMap<>();
    /** Writes large bodies to disk (and handles the frames that follow them, in order); shared by all connections. */
    private static final ExecutorService LARGE_IO = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("wharf-client-large-io", true));
    /** Chunk bytes waiting for the disk above which the channel stops reading, and below which it reads again. */
    static final long PAUSE_BYTES = 8L * 1024 * 1024;
    static final long RESUME_BYTES = 2L * 1024 * 1024;
    /** Confined to the I/O thread: a large delivery is between its LARGE_DELIVER and its BODY_END. */
    private boolean largeOpen;
    /** Frames handed to LARGE_IO and not yet handled (incremented on the I/O thread, decremented on LARGE_IO). */
    private final AtomicInteger diverted = new AtomicInteger();
    private final AtomicLong divertedBytes = new AtomicLong();

    /** The chunk size of large messages this client sends. */
    public static final int CHUNK_SIZE = 256 * 1024;
    /** Chunks a large send may have written and not yet on the socket. */
    static final int WINDOW = 4;

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

    private Transport(Channel channel, String address) {
        this.channel = channel;
        this.address = address;
    }

    /** Opens a TCP connection without keep-alive; see {@link #connect(String, int, int, Heartbeat)}. */
    public static Transport connect(String host, int port, int connectTimeoutMillis) throws JMSException {
        return connect(host, port, connectTimeoutMillis, Heartbeat.NONE);
    }

    /** Opens a TCP connection; fails with a JMSException naming the address within {@code connectTimeoutMillis}. */
    public static Transport connect(String host, int port, int connectTimeoutMillis, Heartbeat heartbeat) throws JMSException {
        String address = "wharf://" + host + ":" + port;
        Transport[] holder = new Transport[1];
        Bootstrap bootstrap = new Bootstrap()
                .group(GROUP)
                .channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // Frames that application threads send while the I/O thread is busy leave in one
                        // write: a consumer's acknowledgements, many producers' sends on a busy loop.
                        ch.pipeline().addLast(new io.netty.handler.flush.FlushConsolidationHandler(
                                io.netty.handler.flush.FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                        ch.pipeline().addLast(new FrameDecoder(Integer.MAX_VALUE), new FrameEncoder());
                        if (heartbeat.enabled()) {
                            ch.pipeline().addLast(new IdleStateHandler(heartbeat.intervalMillis(), heartbeat.intervalMillis(), 0,
                                    TimeUnit.MILLISECONDS));
                        }
                        ch.pipeline().addLast(new Handler(holder, heartbeat));
                    }
                });
        ChannelFuture f = bootstrap.connect(host, port);
        if (!f.awaitUninterruptibly(connectTimeoutMillis + 1000L) || !f.isSuccess()) {
            f.channel().close();
            Throwable cause = f.cause();
            JMSException e = new JMSException("cannot connect to " + address + ": "
                    + (cause == null ? "timed out after " + connectTimeoutMillis + " ms" : cause.getMessage())
                    + "; is a Wharf broker running there?");
            if (cause instanceof Exception ex) {
                e.setLinkedException(ex);
                e.initCause(ex);
            }
            throw e;
        }
        Transport t = new Transport(f.channel(), address);
        holder[0] = t;
        return t;
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public String address() {
        return address;
    }

    public boolean isOpen() {
        return channel.isActive() && !closing;
    }

    /** Sends a request; the future completes with the answer frame or fails. */
    public CompletableFuture<Frame> request(Frame frame) {
        return request(frame, null);
    }

    /**
     * Sends a request; {@code onAnswer} runs on the I/O thread when the answer arrives, before any
     * later frame is handled: a cut between what the peer sent before its answer and after it.
     */
    public CompletableFuture<Frame> request(Frame frame, Runnable onAnswer) {
        long id = correlation.incrementAndGet();
        CompletableFuture<Frame> future = new CompletableFuture<>();
        if (onAnswer != null) {
            beforeAnswer.put(id, onAnswer);
        }
        pending.put(id, future);
        if (!channel.isActive() || closing) {
            pending.remove(id);
            beforeAnswer.remove(id);
            future.completeExceptionally(lost(false));
            return future;
        }
        channel.writeAndFlush(new Packet(id, frame)).addListener(w -> {
            if (!w.isSuccess()) {
                pending.remove(id);
                beforeAnswer.remove(id);
                future.completeExceptionally(lost(false));
            }
        });
        return future;
    }

    /** Sends a frame that wants no answer. */
    public void send(Frame frame) {
        channel.writeAndFlush(new Packet(0, frame));
    }

    /**
     * Sends a large message: the LARGE_SEND frame, then the body read from {@code body} in chunks
     * of {@link #CHUNK_SIZE}, never more than {@link #WINDOW} chunks written and not yet on the
     * socket (the caller's thread waits for the socket: back-pressure), then BODY_END as a request.
     * Blocks the calling thread while the body streams; must not be called on the I/O thread.
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
        channel.writeAndFlush(new Packet(0, new LargeSendFrame(sessionId, producerId, streamId,
                length, headers)), channel.voidPromise());
        ArrayDeque<ChannelFuture> window = new ArrayDeque<>();
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
                window.add(channel.writeAndFlush(new Packet(0, new BodyChunkFrame(streamId, chunk))));
                if (window.size() >= WINDOW) {
                    awaitWrite(window.poll(), timeoutMillis);
                }
                if (n < chunkSize) {
                    break;
                }
            }
        } catch (IOException e) {
            channel.writeAndFlush(new Packet(0, new BodyEndFrame(streamId, total, true)));
            JMSException jmse = new JMSException("cannot read the body of a large message after " + total + " bytes: "
                    + e.getMessage() + "; the message was not sent");
            jmse.setLinkedException(e);
            jmse.initCause(e);
            throw jmse;
        }
        while (!window.isEmpty()) {
            awaitWrite(window.poll(), timeoutMillis);
        }
        return request(new BodyEndFrame(streamId, total, false));
    }

    private void awaitWrite(ChannelFuture f, long timeoutMillis) throws JMSException {
        try {
            if (!f.await(timeoutMillis)) {
                throw new JMSException("a large message's body could not be written to " + address + " within "
                        + timeoutMillis + " ms; the broker or the network is stalled");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while sending a large message");
        }
        if (!f.isSuccess()) {
            throw lost(false);
        }
    }

    // ---- large deliveries, on the I/O thread ----

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
        return await(request(frame), timeoutMillis, what);
    }

    /** {@link #call} with an {@code onAnswer} cut, see {@link #request(Frame, Runnable)}. */
    public Frame call(Frame frame, Runnable onAnswer, long timeoutMillis, String what) throws JMSException {
        return await(request(frame, onAnswer), timeoutMillis, what);
    }

    /** Waits for an answer; an ERROR answer becomes the matching JMS exception. */
    public Frame await(CompletableFuture<Frame> future, long timeoutMillis, String what) throws JMSException {
        Frame answer;
        try {
            answer = timeoutMillis > 0 ? future.get(timeoutMillis, TimeUnit.MILLISECONDS) : future.get();
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

    /** Closes the socket; pending requests fail. */
    public void close() {
        closing = true;
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private JMSException lost(boolean maybeDelivered) {
        return new ConnectionLostException("the connection to " + address + " is closed", maybeDelivered);
    }

    private void closed() {
        JMSException cause = lost(true);
        for (Long id : pending.keySet()) {
            CompletableFuture<Frame> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(cause);
            }
        }
        Listener l = listener;
        if (l != null && !closing) {
            String reason = closeReason;
            l.onClosed(new JMSException("lost the connection to " + address + (reason == null ? "" : ": " + reason)));
        }
    }

    /** Confined to the channel's I/O thread. */
    private static final class Handler extends SimpleChannelInboundHandler<Object> {
        private final Transport[] holder;
        private final Heartbeat heartbeat;
        private long lastReadNanos = System.nanoTime();

        Handler(Transport[] holder, Heartbeat heartbeat) {
            this.holder = holder;
            this.heartbeat = heartbeat;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (!(evt instanceof IdleStateEvent idle)) {
                super.userEventTriggered(ctx, evt);
                return;
            }
            long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReadNanos);
            if (idle.state() == IdleState.READER_IDLE && silentMillis >= heartbeat.ttlMillis()) {
                Transport t = holder[0];
                String reason = "the broker sent nothing for " + silentMillis + " ms (connectionTtl " + heartbeat.ttlMillis()
                        + " ms); taking it for dead";
                LOG.warn("{}: {}", t == null ? ctx.channel().remoteAddress() : t.address, reason);
                if (t != null) {
                    t.closeReason = reason;
                }
                ctx.close();
                return;
            }
            // Silent one way or the other for a heartbeat interval: a ping makes both sides hear something.
            ctx.writeAndFlush(new Packet(0, new PingFrame()), ctx.voidPromise());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            lastReadNanos = System.nanoTime();
            Transport t = holder[0];
            if (t != null) {
                t.inbound(ctx, msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Transport t = holder[0];
            if (t != null) {
                t.inactive();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    // ---- inbound frames: on the I/O thread, or in order on the large-message thread ----

    /**
     * On the I/O thread: handles a frame now, or, while a large delivery is on its way in (and
     * until every frame that followed it was handled), hands it to {@link #LARGE_IO}, which writes
     * the body's chunks to disk; so the I/O thread never waits for the disk, and frames are
     * handled in the order they came. While more than {@link #PAUSE_BYTES} of chunks wait for
     * the disk, the channel stops reading (TCP holds the broker back).
     */
    private void inbound(ChannelHandlerContext ctx, Object msg) {
        FrameType type = msg instanceof Packet p ? p.frame().type() : null;
        if (type == FrameType.LARGE_DELIVER) {
            largeOpen = true;
        }
        if (!largeOpen && diverted.get() == 0) {
            handle(ctx, msg);
            return;
        }
        if (type == FrameType.BODY_END && ((Packet) msg).correlationId() == 0) {
            largeOpen = false;
        }
        int bytes = type == FrameType.BODY_CHUNK ? ((BodyChunkFrame) ((Packet) msg).frame()).data().length : 0;
        diverted.incrementAndGet();
        if (bytes > 0 && divertedBytes.addAndGet(bytes) > PAUSE_BYTES && ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
        }
        LARGE_IO.execute(() -> {
            try {
                handle(ctx, msg);
            } catch (RuntimeException e) {
                LOG.error("Error handling a frame from {}; closing the"
                        + " connection", address, e);
                ctx.close();
            } finally {
                diverted.decrementAndGet();
                if (bytes > 0) {
                    long after = divertedBytes.addAndGet(-bytes);
                    if (after <= RESUME_BYTES && after + bytes > RESUME_BYTES) {
                        ctx.channel().eventLoop().execute(() -> {
                            if (divertedBytes.get() <= RESUME_BYTES && !ctx.channel().config().isAutoRead()) {
                                ctx.channel().config().setAutoRead(true);
                            }
                        });
                    }
                }
            }
        });
    }

    /** On the I/O thread: the channel closed; handled after every frame that came before it. */
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

    private void handle(ChannelHandlerContext ctx, Object msg) {
        Transport t = this;
        if (msg instanceof MalformedFrame bad) {
            Listener l = t.listener;
            if (l != null) {
                l.onUnsolicitedError(new ErrorFrame(ErrorCode.PROTOCOL_ERROR, "bad frame from the broker: " + bad.reason()));
            }
            if (bad.fatal()) {
                ctx.close();
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
