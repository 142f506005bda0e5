package dev.wharf.server.internal.net;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.MalformedFrame;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.frame.BodyChunkFrame;
import dev.wharf.protocol.frame.BodyEndFrame;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.LargeSendFrame;
import dev.wharf.server.internal.core.Broker;
import dev.wharf.server.internal.core.BrokerConnection;
import dev.wharf.server.internal.core.BrokerThread;
import dev.wharf.server.internal.store.LargeBody;
import dev.wharf.server.internal.store.LargeMessageStore;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a broker channel: hands every decoded {@link Packet} or
 * {@link MalformedFrame} to the broker thread, in order, for its {@link BrokerConnection}, and
 * tells it when the channel closes. Liveness: when a client's {@code CONNECT} asks for a
 * connection TTL it closes the channel after that long without a frame from the client, so a
 * client whose host died does not hold its messages forever ({@code PING} is answered by the
 * broker thread, in order with everything else). One instance per channel, confined to the
 * channel's event loop; its fields are written in {@code channelActive} and later on that loop.
 *
 * <p>Large messages: the frames of an incoming body ({@code LARGE_SEND}, {@code BODY_CHUNK},
 * {@code BODY_END}) never reach the broker thread. Each chunk is written to the body's file on the
 * large-message I/O thread; when more than {@link #PAUSE_BYTES} of chunks wait for it, the channel
 * stops reading (TCP then holds the client back) until they are down to {@link #RESUME_BYTES}.
 * At {@code BODY_END} the file is forced, and only then is the complete message handed to the
 * broker thread ({@link BrokerConnection#onLargeSend}). A body cut off by the connection closing
 * is deleted, never delivered. {@link #uploads} is confined to the event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Wire tracing, off unless this logger is set to TRACE. */
    static final Logger WIRE = LoggerFactory.getLogger("dev.wharf.server.wire");

    /** Chunk bytes waiting for the disk above which the channel stops reading. */
    static final long PAUSE_BYTES = 8L * 1024 * 1024;
    static final long RESUME_BYTES = 2L * 1024 * 1024;
    /** Large messages one connection may be sending at once. */
    static final int MAX_UPLOADS = 64;

    private final Broker broker;
    private final BrokerThread brokerThread;
    private BrokerConnection connection;
    /** The client's connection TTL from its CONNECT; 0 until then, or when it asked for none. */
    private int ttlMillis;
    private LargeMessageStore large;
    private final Map<Long, Incoming> uploads = new HashMap<>();
    private final AtomicLong waitingBytes = new AtomicLong();

    /** A body on its way in; {@code failure} set means: drop the chunks, refuse the send at its end. */
    private static final class Incoming {
        final LargeSendFrame begin;
        final LargeMessageStore.Upload upload;
        long received;
        String failure;
        /** The code the send is refused with when {@link #failure} is set. */
        ErrorCode failureCode = ErrorCode.PROTOCOL_ERROR;

        Incoming(LargeSendFrame begin, LargeMessageStore.Upload upload, String failure) {
            this.begin = begin;
            this.upload = upload;
            this.failure = failure;
        }
    }

    ConnectionHandler(Broker broker, BrokerThread brokerThread) {
        this.broker = broker;
        this.brokerThread = brokerThread;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        large = broker.store().largeMessages();
        ChannelSink sink = new ChannelSink(ctx.channel(), large);
        connection = new BrokerConnection(broker, sink, brokerThread);
        sink.name(connection.connectionId());
        LOG.debug("Connection {} accepted from {}", connection.connectionId(), ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Packet || msg instanceof MalformedFrame) {
            BrokerConnection c = connection;
            if (WIRE.isTraceEnabled()) {
                WIRE.trace("{} -> {}", c.connectionId(), msg);
            }
            if (msg instanceof Packet p && p.frame() instanceof ConnectFrame connect && connect.connectionTtlMillis() > 0
                    && ttlMillis == 0) {
                ttlMillis = connect.connectionTtlMillis();
                ctx.pipeline().addBefore(ctx.name(), "ttl", new IdleStateHandler(ttlMillis, 0, 0, TimeUnit.MILLISECONDS));
            }
            if (msg instanceof Packet p) {
                switch (p.frame().type()) {
                    case LARGE_SEND -> {
                        begin(ctx, (LargeSendFrame) p.frame());
                        return;
                    }
                    case BODY_CHUNK -> {
                        chunk(ctx, (BodyChunkFrame) p.frame());
                        return;
                    }
                    case BODY_END -> {
                        end(p.correlationId(), (BodyEndFrame) p.frame());
                        return;
                    }
                    default -> { }
                }
            }
            // On the broker loop: handled here and now, no hand-off.
            brokerThread.runNowOrLater(() -> c.handle(msg));
        } else {
            LOG.warn("Unexpected pipeline message {}", msg.getClass().getName());
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    private void begin(ChannelHandlerContext ctx, LargeSendFrame f) {
        String failure = null;
        String refusal = null;
        if (large == null) {
            failure = "this broker cannot store large messages (no large message directory)";
        } else if (uploads.size() >= MAX_UPLOADS) {
            failure = "more than " + MAX_UPLOADS + " large messages in progress on one connection";
        } else if (uploads.containsKey(f.streamId())) {
            failure = "large message stream " + f.streamId() + " is already open";
            uploads.get(f.streamId()).failure = failure;
            return;
        } else if (f.message().destination() != null
                && (refusal = connection.sendRefusal(f.message().destination())) != null) {
            // Refused before a byte of the body is stored, not after all of it.
            failure = refusal;
        }
        Incoming in = new Incoming(f, failure == null ? large.begin() : null, failure);
        if (refusal != null) {
            in.failureCode = ErrorCode.SECURITY;
        }
        uploads.put(f.streamId(), in);
    }

    private void chunk(ChannelHandlerContext ctx, BodyChunkFrame f) {
        Incoming in = uploads.get(f.streamId());
        if (in == null) {
            LOG.debug("Connection {}: chunk for unknown large message stream {} dropped", connection.connectionId(), f.streamId());
            return;
        }
        in.received += f.data().length;
        if (in.begin.bodyLength() >= 0 && in.received > in.begin.bodyLength() && in.failure == null) {
            in.failure = "large message stream " + f.streamId() + " sent more than the " + in.begin.bodyLength()
                    + " bytes it announced";
        }
        if (in.failure != null) {
            return;
        }
        int n = f.data().length;
        if (waitingBytes.addAndGet(n) > PAUSE_BYTES && ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
        }
        LargeMessageStore.Upload upload = in.upload;
        large.io().execute(() -> {
            upload.write(f.data());
            long after = waitingBytes.addAndGet(-n);
            if (after <= RESUME_BYTES && after + n > RESUME_BYTES) {
                ctx.channel().eventLoop().execute(() -> {
                    if (waitingBytes.get() <= RESUME_BYTES && !ctx.channel().config().isAutoRead()) {
                        ctx.channel().config().setAutoRead(true);
                    }
                });
            }
        });
    }

    private void end(long corr, BodyEndFrame f) {
        BrokerConnection c = connection;
        Incoming in = uploads.remove(f.streamId());
        if (in == null) {
            brokerThread.execute(() -> c.largeSendFailed(corr, ErrorCode.PROTOCOL_ERROR,
                    "BODY_END for large message stream " + f.streamId() + ", which is not open"));
            return;
        }
        String failure = in.failure;
        if (failure == null && f.totalLength() != in.received) {
            failure = "large message stream " + f.streamId() + " ended after " + in.received + " bytes but says "
                    + f.totalLength();
        } else if (failure == null && in.begin.bodyLength() >= 0 && in.begin.bodyLength() != in.received) {
            failure = "large message stream " + f.streamId() + " announced " + in.begin.bodyLength() + " bytes but sent "
                    + in.received;
        }
        LargeMessageStore.Upload upload = in.upload;
        if (f.aborted() || failure != null) {
            if (upload != null) {
                large.io().execute(upload::abort);
            }
            if (!f.aborted()) {
                String reason = failure;
                ErrorCode code = in.failure != null ? in.failureCode : ErrorCode.PROTOCOL_ERROR;
                brokerThread.execute(() -> c.largeSendFailed(corr, code, reason));
            }
            return;
        }
        large.io().execute(() -> {
            LargeBody body;
            try {
                body = upload.finish(in.begin.message().isPersistent());
            } catch (IOException e) {
                brokerThread.execute(() -> c.largeSendFailed(corr, ErrorCode.INTERNAL_ERROR,
                        e.getMessage() + "; the message was not stored"));
                return;
            }
            // The body is forced: the journal record the broker thread writes next is the commit point.
            brokerThread.execute(() -> c.onLargeSend(corr, in.begin, body));
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!uploads.isEmpty()) {
            for (Incoming in : uploads.values()) {
                LOG.info("Connection {}: discarding large message {} cut off after {} bytes by the connection closing",
                        connection.connectionId(), in.begin.message().messageId(), in.received);
                if (in.upload != null) {
                    large.io().execute(in.upload::abort);
                }
            }
            uploads.clear();
        }
        BrokerConnection c = connection;
        if (c != null) {
            brokerThread.runNowOrLater(c::transportClosed);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            LOG.warn("Connection {} from {}: nothing heard for {} ms (the connection TTL its client asked for); closing it,"
                    + " its unacknowledged messages go back to their queues", connection == null ? "?" : connection.connectionId(),
                    ctx.channel().remoteAddress(), ttlMillis);
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection {}: {}", connection == null ? "?" : connection.connectionId(), cause.toString());
        } else {
            LOG.warn("Connection {}: unexpected pipeline error; closing it", connection == null ? "?" : connection.connectionId(), cause);
        }
        ctx.close();
    }
}
