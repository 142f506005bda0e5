package dev.wharf.server.internal.net;

import dev.wharf.protocol.MalformedFrame;
import dev.wharf.protocol.Packet;
import dev.wharf.server.internal.core.Broker;
import dev.wharf.server.internal.core.BrokerConnection;
import dev.wharf.server.internal.core.BrokerThread;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a broker channel: hands every decoded {@link Packet} or
 * {@link MalformedFrame} to the broker thread, in order, for its {@link BrokerConnection}, and
 * tells it when the channel closes. Does no work of its own on the event loop. One instance per
 * channel; its fields are written once in {@code channelActive}.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Wire tracing, off unless this logger is set to TRACE. */
    static final Logger WIRE = LoggerFactory.getLogger("dev.wharf.server.wire");

    private final Broker broker;
    private final BrokerThread brokerThread;
    private BrokerConnection connection;

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
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection {}: {}", connection == null ? "?" : connection.connectionId(), cause.toString());
        } else {
            LOG.warn("Connection {}: unexpected pipeline error; closing it", connection == null ? "?" : connection.connectionId(), cause);
        }
        ctx.close();
    }
}
