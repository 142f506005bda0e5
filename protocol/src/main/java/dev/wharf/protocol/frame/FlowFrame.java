package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker: the connection was started ({@code true}) or stopped ({@code false}).
 * Answered OK. A connection begins stopped; the broker hands messages to a connection's
 * consumers only while it is started, so a consumer on a stopped connection does not take
 * messages away from consumers that could receive them. Deliveries already sent before a stop
 * stay with the client.
 *
 * @param started true for Connection.start(), false for Connection.stop()
 */
public record FlowFrame(boolean started) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.FLOW;
    }

    @Override
    public void encode(ByteBuf buf) {
        WireSupport.writeBool(buf, started);
    }

    public static FlowFrame decode(ByteBuf buf) {
        return new FlowFrame(WireSupport.readBool(buf));
    }
}
