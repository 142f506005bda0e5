package dev.wharf.server.internal.net;

import dev.wharf.protocol.Packet;
import dev.wharf.protocol.frame.BodyChunkFrame;
import dev.wharf.protocol.frame.BodyEndFrame;
import dev.wharf.server.internal.core.BrokerThread;
import dev.wharf.server.internal.core.FrameSink;
import dev.wharf.server.internal.store.LargeBody;
import dev.wharf.server.internal.store.LargeMessageStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FrameSink} writing to a Netty channel. Netty's {@code write} and {@code flush} are
 * thread-safe and never block. The broker thread is the channel's event loop, so its writes go
 * straight into the channel's outbound buffer in call order; from another thread they are
 * queued on the event loop, and a later close is queued after them. The frames one broker task
 * writes are flushed together when the task ends.
 *
 * <p>Large deliveries ({@link #sendLarge}) stream their body file on the large-message I/O
 * thread, at most {@link #WINDOW} chunks written and not yet on the socket at a time: a chunk's
 * write completing is what lets the next one be read, so a slow consumer holds the broker's memory
 * to {@code WINDOW} chunks. While a body streams, every other frame for the connection (and any
 * further large delivery) waits, in order, in {@link #held}, and goes out when the stream ends:
 * the client sees the connection's frames in the order the broker produced them.
 *
 * <p>Threads: {@link #send} and {@link #sendLarge} are called on the broker thread, {@link #sendNow}
 * on any (the journal writer answering stored sends); a stream's
 * progress runs on the I/O thread and on the event loop. {@link #streaming} and {@link #held} are
 * guarded by {@code this}; {@code streaming} is volatile so that {@link #send} can skip the lock when
 * no stream runs (it becomes true only on the broker thread, so a false read there stays true).
 */
final class ChannelSink implements FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelSink.class);
    /** Chunks of one stream in flight (written, not yet on the socket). */
    static final int WINDOW = 4;

    private final Channel channel;
    private final LargeMessageStore large;
    private volatile String name = "?";
    /** Confined to the broker thread (the only caller of {@link #send}). */
    private boolean flushPending;
    private volatile boolean streaming;
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    /** @param large where large bodies are read (its I/O thread); null: large deliveries are sent whole */
    ChannelSink(Channel channel, LargeMessageStore large) {
        this.channel = channel;
        this.large = large;
    }

    /** The connection id, for wire tracing. */
    void name(String connectionId) {
        this.name = connectionId;
    }

    @Override
    public void send(Packet packet) {
        if (channel.isActive()) {
            if (streaming) {
                synchronized (this) {
                    if (streaming) {
                        held.add(packet);
                        return;
                    }
                }
            }
            write(packet);
        }
    }

    @Override
    public void sendNow(Packet packet) {
        if (!channel.isActive()) {
            return;
        }
        // Under the lock that sendLarge takes to start a stream: this frame is either queued
        // before the stream's header or held until the stream ends.
        synchronized (this) {
            if (streaming) {
                held.add(packet);
                return;
            }
            if (ConnectionHandler.WIRE.isTraceEnabled()) {
                ConnectionHandler.WIRE.trace("{} <- {}", name, packet);
            }
            channel.writeAndFlush(packet, channel.voidPromise());
        }
    }

    private void write(Packet packet) {
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

    private void flush() {
        flushPending = false;
        channel.flush();
    }

    @Override
    public void sendLarge(Packet header, LargeBody body, long streamId) {
        if (large == null) {
            FrameSink.super.sendLarge(header, body, streamId);
            return;
        }
        if (!channel.isActive()) {
            return;
        }
        Stream s = new Stream(header, body, streamId);
        synchronized (this) {
            if (streaming) {
                held.add(s);
                return;
            }
            streaming = true;
        }
        s.start();
    }

    /** A stream ended: send what waited behind it, up to the next stream. Any thread. */
    private void streamDone() {
        synchronized (this) {
            while (true) {
                Object next = held.poll();
                if (next == null) {
                    streaming = false;
                    break;
                }
                if (next instanceof Stream s) {
                    channel.flush();
                    s.start();
                    return;
                }
                Packet p = (Packet) next;
                if (ConnectionHandler.WIRE.isTraceEnabled()) {
                    ConnectionHandler.WIRE.trace("{} <- {}", name, p);
                }
                channel.write(p, channel.voidPromise());
            }
        }
        channel.flush();
    }

    /** The connection is gone: drop what waits. */
    private void abandon() {
        synchronized (this) {
            held.clear();
            streaming = false;
        }
    }

    /** One large body on its way; its fields are confined to the I/O thread after {@link #start}. */
    private final class Stream {
        private final Packet header;
        private final LargeBody body;
        private final long streamId;
        private final AtomicInteger inFlight = new AtomicInteger();
        private FileChannel file;
        private long position;
        private boolean ended;

        Stream(Packet header, LargeBody body, long streamId) {
            this.header = header;
            this.body = body;
            this.streamId = streamId;
        }

        void start() {
            if (ConnectionHandler.WIRE.isTraceEnabled()) {
                ConnectionHandler.WIRE.trace("{} <- {} (body of {} bytes follows)", name, header, body.length());
            }
            channel.writeAndFlush(header, channel.voidPromise());
            large.io().execute(this::pump);
        }

        /** On the I/O thread: reads and writes chunks while the window has room, then the end. */
        private void pump() {
            if (ended) {
                return;
            }
            if (!channel.isActive()) {
                close();
                abandon();
                return;
            }
            try {
                if (file == null) {
                    file = FileChannel.open(body.path(), StandardOpenOption.READ);
                }
                while (inFlight.get() < WINDOW && position < body.length()) {
                    byte[] data = LargeMessageStore.read(file, position, LargeMessageStore.CHUNK_SIZE);
                    if (data.length == 0) {
                        throw new IOException("the file ends at " + position + " of " + body.length() + " bytes");
                    }
                    position += data.length;
                    inFlight.incrementAndGet();
                    channel.writeAndFlush(new Packet(0, new BodyChunkFrame(streamId, data))).addListener(f -> {
                        inFlight.decrementAndGet();
                        large.io().execute(this::pump);
                    });
                }
                if (position >= body.length() && inFlight.get() == 0) {
                    end(false);
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("Connection {}: cannot read large message file {} at {}; the delivery is cut off: {}", name,
                        body.path(), position, e.toString());
                end(true);
            }
        }

        private void end(boolean aborted) {
            ended = true;
            close();
            channel.writeAndFlush(new Packet(0, new BodyEndFrame(streamId, position, aborted)), channel.voidPromise());
            streamDone();
        }

        private void close() {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    LOG.debug("Closing {}: {}", body.path(), e.toString());
                }
                file = null;
            }
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
