package dev.wharf.server.internal.core;

import dev.wharf.protocol.Packet;

/**
 * Where a {@link BrokerConnection} writes its frames: the Netty channel in production, a list
 * in tests. Implementations must be callable from the broker thread and must not block.
 */
public interface FrameSink {

    /** Queues a frame for the peer. */
    void send(Packet packet);

    /** Closes the transport once what was sent before has been written. */
    void close();

    /** The peer's address, for logs. */
    String remoteAddress();
}
