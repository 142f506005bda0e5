package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Broker to client, correlation id 0: the address is full and its policy blocks producers
 * ({@code blocked} true), or it has room again (false). While an address is blocked the client
 * holds its sends to it; sends already on their way are held by the broker.
 *
 * @param address the queue or topic
 * @param blocked true when producers must wait
 */
public record AddressFlowFrame(WireDestination address, boolean blocked) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.ADDRESS_FLOW;
    }

    @Override
    public void encode(ByteBuf buf) {
        WireDestination.write(buf, address);
        WireSupport.writeBool(buf, blocked);
    }

    public static AddressFlowFrame decode(ByteBuf buf) {
        return new AddressFlowFrame(WireDestination.read(buf), WireSupport.readBool(buf));
    }
}
