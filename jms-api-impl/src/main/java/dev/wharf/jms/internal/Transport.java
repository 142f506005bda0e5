package dev.wharf.jms.internal;

import dev.wharf.jms.JmsExceptionSupport;
import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameDecoder;
import dev.wharf.protocol.FrameEncoder;
import dev.wharf.protocol.MalformedFrame;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.ProtocolVersion;
import dev.wharf.protocol.frame.AddressFlowFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.PingFrame;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.jms.JMSException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * listeners must not block it. All connections of a JVM share one small I/O thread group.
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
        /** A message for a consumer. Called on the I/O thread: enqueue, don't block. */
        void onDeliver(DeliverFrame deliver);

        /** An error not tied to a request (an asynchronous send failed, or the broker is closing us). */
        void onUnsolicitedError(ErrorFrame error);

        /** The broker blocked (or unblocked) sends to an address that is full. Called on the I/O thread. */
        void onAddressFlow(AddressFlowFrame flow);

        /** The TCP connection is gone; every pending request has failed with {@code cause}. */
        void onClosed(JMSException cause);
    }

    private static final EventLoopGroup GROUP = new NioEventLoopGroup(1, new DefaultThreadFactory("wharf-client-io", true));

    private final Channel channel;
    private final String address;
    private final Map<Long, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
    private final Map<Long, Runnable> beforeAnswer = new ConcurrentHashMap<>();
    private final AtomicLong correlation = new AtomicLong();
    private volatile Listener listener;
    private volatile boolean closing;
    /** Why the I/O thread closed the channel itself, for the connection-lost message; written before the close. */
    private volatile String closeReason;

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
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
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
            if (t == null) {
                return;
            }
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
                    l.onDeliver(d);
                }
                return;
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

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Transport t = holder[0];
            if (t != null) {
                t.closed();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The default maximum frame size, for callers that check message sizes before sending. */
    public static int defaultMaxFrameSize() {
        return ProtocolVersion.DEFAULT_MAX_FRAME_SIZE;
    }
}
