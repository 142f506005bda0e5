package dev.wharf.server.internal.net;

import dev.wharf.protocol.FrameDecoder;
import dev.wharf.protocol.FrameEncoder;
import dev.wharf.server.internal.core.Broker;
import dev.wharf.server.internal.core.BrokerThread;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Netty acceptor: one event loop accepts, and every client channel is registered with one
 * other, {@link #brokerLoop()}, which is also the broker thread: a frame is decoded, handled and
 * answered on that one thread, and the deliveries it causes are written to their sockets there,
 * with no thread hand-off on the way (on two cores each hand-off cost tens of microseconds of
 * a synchronous send's round trip, and CPU on every frame). Each channel's pipeline is
 * {@link FrameDecoder} (with the broker's frame limit), {@link FrameEncoder}, then a
 * {@link ConnectionHandler}. Not thread-safe: started and stopped by the owner of the broker.
 */
public final class Acceptor implements AutoCloseable {

    private static final FrameEncoder ENCODER = new FrameEncoder();

    /**
     * Netty's native epoll transport where it loads (Linux on x86-64): waking the broker loop, which
     * the journal writer does for every answer it sends, costs less than with NIO. NIO elsewhere,
     * or with {@code -Dwharf.transport.nio=true}.
     */
    static final boolean EPOLL = !Boolean.getBoolean("wharf.transport.nio") && Epoll.isAvailable();

    private final EventLoopGroup acceptGroup = group("wharf-accept");
    private final EventLoopGroup brokerGroup = group("wharf-broker");
    private final ChannelGroup channels = new DefaultChannelGroup("wharf-clients", brokerGroup.next());
    private Channel serverChannel;

    /**
     * The event loop of every client channel, to be the broker thread
     * ({@link BrokerThread#BrokerThread(java.util.concurrent.ScheduledExecutorService)}), which
     * shuts it down when it closes.
     */
    public ScheduledExecutorService brokerLoop() {
        return brokerGroup.next();
    }

    private static EventLoopGroup group(String threadName) {
        DefaultThreadFactory threads = new DefaultThreadFactory(threadName);
        return EPOLL ? new EpollEventLoopGroup(1, threads) : new NioEventLoopGroup(1, threads);
    }

    /** The transport in use, for the start line: {@code epoll} or {@code nio}. */
    public static String transportName() {
        return EPOLL ? "epoll" : "nio";
    }

    /** Binds {@code host:port} (port 0: ephemeral) and returns the bound port. Blocks until bound. */
    public int start(String host, int port, int maxFrameSize, Broker broker, BrokerThread brokerThread) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptGroup, brokerGroup)
                .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        // The journal writer answers each stored send with its own writeAndFlush: the
                        // answers of one group commit to one connection leave in one write.
                        ch.pipeline().addLast("flush", new io.netty.handler.flush.FlushConsolidationHandler(
                                io.netty.handler.flush.FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                        ch.pipeline().addLast("decoder", new FrameDecoder(maxFrameSize));
                        ch.pipeline().addLast("encoder", ENCODER);
                        ch.pipeline().addLast("handler", new ConnectionHandler(broker, brokerThread));
                    }
                });
        serverChannel = b.bind(host, port).sync().channel();
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Stops accepting and closes every client channel. Blocks up to a few seconds. The broker
     * loop keeps running until the broker thread closes (it still has the connections' ends to
     * handle).
     */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
