package dev.wharf.server.internal.net;

import dev.wharf.protocol.MalformedFrame;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.server.internal.core.Broker;
import dev.wharf.server.internal.core.BrokerConnection;
import dev.wharf.server.internal.core.BrokerThread;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a broker channel: hands every decoded {@link Packet} or
 * {@link MalformedFrame} to the broker thread, in order, for its {@link BrokerConnection}, and
 * tells it when the channel closes. Its only work on the event loop is liveness: when a
 * client's {@code CONNECT} asks for a connection TTL it closes the channel after that long
 * without a frame from the client, so a client whose host died does not hold its messages
 * forever. ({@code PING} is answered by the broker thread, in order with everything else.) One instance per channel, confined to the channel's event loop; its fields are
 * written in {@code channelActive} and on {@code CONNECT}.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Wire tracing, off unless this logger is set to TRACE. */
    static final Logger WIRE = LoggerFactory.getLogger("dev.wharf.server.wire");

    private final Broker broker;
    private final BrokerThread brokerThread;
    private BrokerConnection connection;
    /** The client's connection TTL from its CONNECT; 0 until then, or when it asked for none. */
    private int ttlMillis;

    ConnectionHandler(Broker broker, BrokerThread brokerThread) {
        this.broker = broker;
        this.brokerThread = brokerThread;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ChannelSink sink = new ChannelSink(ctx.channel());
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
            brokerThread.execute(() -> c.handle(msg));
        } else {
            LOG.warn("Unexpected pipeline message {}", msg.getClass().getName());
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        BrokerConnection c = connection;
        if (c != null) {
            brokerThread.execute(c::transportClosed);
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
