package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Broker to client: the handshake succeeded.
 *
 * @param version the protocol version the connection will use
 *
 * @param connectionId the broker-assigned connection id
 *
 * @param brokerName the broker's name
 *
 * @param brokerVersion the broker's product version
 *
 * @param maxFrameSize the largest frame the broker accepts, in bytes
 */
public record ConnectedFrame(int version, String connectionId, String brokerName, String brokerVersion, int maxFrameSize) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.CONNECTED;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeInt(version);
        WireSupport.writeString(buf, connectionId);
        WireSupport.writeString(buf, brokerName);
        WireSupport.writeString(buf, brokerVersion);
        buf.writeInt(maxFrameSize);
    }

    public static ConnectedFrame decode(ByteBuf buf) {
        int version = WireSupport.readInt(buf);
        String connectionId = WireSupport.readString(buf);
        String brokerName = WireSupport.readString(buf);
        String brokerVersion = WireSupport.readString(buf);
        int maxFrameSize = WireSupport.readInt(buf);
        return new ConnectedFrame(version, connectionId, brokerName, brokerVersion, maxFrameSize);
    }
}
