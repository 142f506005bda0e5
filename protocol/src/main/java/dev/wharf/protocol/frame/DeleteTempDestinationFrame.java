package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireDestination;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: delete a temporary destination. Answered OK, or ERROR ILLEGAL_STATE while it has consumers.
 *
 * @param destination the temporary destination
 */
public record DeleteTempDestinationFrame(WireDestination destination) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.DELETE_TEMP_DESTINATION;
    }

    @Override
    public void encode(ByteBuf buf) {
        WireDestination.write(buf, destination);
    }

    public static DeleteTempDestinationFrame decode(ByteBuf buf) {
        WireDestination destination = WireDestination.read(buf);
        return new DeleteTempDestinationFrame(destination);
    }
}
