package dev.wharf.server.internal.net;

import dev.wharf.protocol.FrameDecoder;
import dev.wharf.protocol.FrameEncoder;
import dev.wharf.protocol.Packet;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare Netty client speaking frames, for over-the-wire tests. Received objects queue up. */
public final class RawClient implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final Channel channel;
    private volatile boolean inactive;

    public RawClient(int port) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new FrameDecoder(1 << 24), new FrameEncoder(), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.add(msg);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        inactive = true;
                    }
                });
            }
        }).connect("localhost", port).sync().channel();
    }

    public void send(Packet p) {
        channel.writeAndFlush(p).syncUninterruptibly();
    }

    public void sendRaw(ByteBuf bytes) {
        channel.writeAndFlush(bytes).syncUninterruptibly();
    }

    /** The next packet received (waits up to 10 s). */
    public Packet next() throws InterruptedException {
        Object o = received.poll(10, TimeUnit.SECONDS);
        if (o == null) {
            throw new AssertionError("nothing received within 10 s");
        }
        if (!(o instanceof Packet p)) {
            throw new AssertionError("expected a packet, got " + o);
        }
        return p;
    }

    /** The next object received within {@code millis}, or null. */
    public Object poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Waits until the broker closes the connection. */
    public boolean awaitClosed() throws InterruptedException {
        return channel.closeFuture().await(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
