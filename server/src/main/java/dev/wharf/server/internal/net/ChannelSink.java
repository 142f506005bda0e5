package dev.wharf.server.internal.net;

import dev.wharf.protocol.Packet;
import dev.wharf.server.internal.core.BrokerThread;
import dev.wharf.server.internal.core.FrameSink;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * A {@link FrameSink} writing to a Netty channel. Netty's {@code write} and {@code flush} are
 * thread-safe and never block: called from the broker thread, they are queued on the channel's
 * event loop in call order, and a later close is queued after them. The frames one broker task
 * writes are flushed together when the task ends.
 */
final class ChannelSink implements FrameSink {

    private final Channel channel;
    private volatile String name = "?";
    /** Confined to the broker thread (the only caller of {@link #send}). */
    private boolean flushPending;

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
            // Written now, flushed once when the broker task ends: an answer and the deliveries
            // the same task produced leave in one flush.
            channel.write(packet, channel.voidPromise());
            if (!flushPending) {
                flushPending = true;
                if (!BrokerThread.afterCurrentTask(this::flush)) {
                    flush();
                }
            }
        }
    }

    private void flush() {
        flushPending = false;
        channel.flush();
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
