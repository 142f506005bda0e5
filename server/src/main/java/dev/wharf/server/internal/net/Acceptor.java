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
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty acceptor: one NIO event loop group of two threads (accept and I/O), each channel's
 * pipeline {@link FrameDecoder} (with the broker's frame limit) then {@link FrameEncoder} then
 * a {@link ConnectionHandler}. Event loops only decode and encode; everything else runs on the
 * broker thread. Not thread-safe: started and stopped by the owner of the broker.
 */
public final class Acceptor implements AutoCloseable {

    private static final FrameEncoder ENCODER = new FrameEncoder();

    private final EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("wharf-io"));
    private Channel serverChannel;

    /** Binds {@code host:port} (port 0: ephemeral) and returns the bound port. Blocks until bound. */
    public int start(String host, int port, int maxFrameSize, Broker broker, BrokerThread brokerThread) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("decoder", new FrameDecoder(maxFrameSize));
                        ch.pipeline().addLast("encoder", ENCODER);
                        ch.pipeline().addLast("handler", new ConnectionHandler(broker, brokerThread));
                    }
                });
        serverChannel = b.bind(host, port).sync().channel();
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting and closes every channel. Blocks up to a few seconds. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
