package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireDestination;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: create a temporary queue or topic owned by this connection (deleted when it closes). Answered OK.
 *
 * @param destination a TEMP_QUEUE or TEMP_TOPIC with a client-chosen unique name
 */
public record CreateTempDestinationFrame(WireDestination destination) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CREATE_TEMP_DESTINATION;
    }

    @Override
    public void encode(ByteBuf buf) {
        WireDestination.write(buf, destination);
    }

    public static CreateTempDestinationFrame decode(ByteBuf buf) {
        WireDestination destination = WireDestination.read(buf);
        return new CreateTempDestinationFrame(destination);
    }
}
