package dev.wharf.server.internal.core;

import dev.wharf.protocol.Packet;

/**
 * Where a {@link BrokerConnection} writes its frames: the Netty channel in production, a list
 * in tests. Implementations must be callable from the broker thread and must not block.
 */
public interface FrameSink {

    /** Queues a frame for the peer. Broker thread only. */
    void send(Packet packet);

    /**
     * Queues a frame for the peer and flushes it, from any thread: the journal's writer answers
     * a stored send with it, without a detour through the broker thread. Never lands inside a
     * large delivery's chunks. This default is for sinks that are only used on one thread.
     */
    default void sendNow(Packet packet) {
        send(packet);
    }

    /**
     * Queues the delivery of a large message: {@code header} (a LARGE_DELIVER frame), then the
     * body read from {@code body}'s file as BODY_CHUNK frames with {@code streamId}, then BODY_END;
     * nothing else is sent on the connection in between. Must not block. This default reads and
     * sends everything at once (tests); the Netty sink streams with back-pressure.
     */
    default void sendLarge(Packet header, dev.wharf.server.internal.store.LargeBody body, long streamId) {
        send(header);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(body.path())) {
            long pos = 0;
            while (pos < body.length()) {
                byte[] data = dev.wharf.server.internal.store.LargeMessageStore.read(ch, pos,
                        dev.wharf.server.internal.store.LargeMessageStore.CHUNK_SIZE);
                pos += data.length;
                send(new Packet(0, new dev.wharf.protocol.frame.BodyChunkFrame(streamId, data)));
            }
            send(new Packet(0, new dev.wharf.protocol.frame.BodyEndFrame(streamId, pos, false)));
        } catch (java.io.IOException e) {
            send(new Packet(0, new dev.wharf.protocol.frame.BodyEndFrame(streamId, 0, true)));
        }
    }

    /** Closes the transport once what was sent before has been written. */
    void close();

    /** The peer's address, for logs. */
    String remoteAddress();
}
