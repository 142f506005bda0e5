package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: register a producer (for flow control and permission checks). Answered OK or ERROR INVALID_DESTINATION / SECURITY.
 *
 * @param sessionId the session
 *
 * @param producerId client-chosen id, unique in the connection
 *
 * @param destination the producer's fixed destination, or null for an anonymous producer
 */
public record CreateProducerFrame(long sessionId, long producerId, WireDestination destination) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CREATE_PRODUCER;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        buf.writeLong(producerId);
        WireDestination.write(buf, destination);
    }

    public static CreateProducerFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long producerId = WireSupport.readLong(buf);
        WireDestination destination = WireDestination.read(buf);
        return new CreateProducerFrame(sessionId, producerId, destination);
    }
}
