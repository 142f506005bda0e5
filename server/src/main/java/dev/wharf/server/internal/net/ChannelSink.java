package dev.wharf.server.internal.net;

import dev.wharf.protocol.Packet;
import dev.wharf.server.internal.core.FrameSink;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * A {@link FrameSink} writing to a Netty channel. {@code writeAndFlush} is thread-safe and never
 * blocks: called from the broker thread, Netty queues the write on the channel's event loop, in
 * call order, and a later close is queued after it.
 */
final class ChannelSink implements FrameSink {

    private final Channel channel;
    private volatile String name = "?";

    ChannelSink(Channel channel) {
        this.channel = channel;
    }

    /** The connection id, for wire tracing. */
    void name(String connectionId) {
        this.name = connectionId;
    }

    @Override
    public void send(Packet packet) {
        if (channel.isActive()) {
            if (ConnectionHandler.WIRE.isTraceEnabled()) {
                ConnectionHandler.WIRE.trace("{} <- {}", name, packet);
            }
            channel.writeAndFlush(packet, channel.voidPromise());
        }
    }

    @Override
    public void close() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(channel.remoteAddress());
    }
}
