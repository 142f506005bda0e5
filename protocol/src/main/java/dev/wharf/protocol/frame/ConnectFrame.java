package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

/**
 * Client to broker, first frame on a connection: the version handshake and the credentials. Answered by {@link ConnectedFrame} or by an {@code ERROR} (SECURITY, UNSUPPORTED_VERSION, INVALID_CLIENT_ID) after which the broker closes the connection.
 *
 * @param magic must be {@link #MAGIC}
 *
 * @param version the client's protocol version
 *
 * @param username null for anonymous
 *
 * @param password null for none
 *
 * @param clientId the client id set administratively on the factory, or null
 */
public record ConnectFrame(int magic, int version, String username, String password, String clientId) implements Frame {

    /** The first four bytes a Wharf client sends: ASCII "WHRF". */
    public static final int MAGIC = 0x57485246;

    @Override
    public FrameType type() {
        return FrameType.CONNECT;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeInt(magic);
        buf.writeInt(version);
        WireSupport.writeString(buf, username);
        WireSupport.writeString(buf, password);
        WireSupport.writeString(buf, clientId);
    }

    public static ConnectFrame decode(ByteBuf buf) {
        int magic = WireSupport.readInt(buf);
        int version = WireSupport.readInt(buf);
        String username = WireSupport.readString(buf);
        String password = WireSupport.readString(buf);
        String clientId = WireSupport.readString(buf);
        return new ConnectFrame(magic, version, username, password, clientId);
    }

    @Override
    public String toString() {
        return "ConnectFrame[version=" + version + ", username=" + username + ", password=" + (password == null ? null : "***") + ", clientId=" + clientId + "]";
    }
}
