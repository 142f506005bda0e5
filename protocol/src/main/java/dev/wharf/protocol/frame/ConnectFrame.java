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
 *
 * @param connectionTtlMillis how long the broker may hear nothing from this client before it
 *        takes the client for dead and closes the connection; 0 for never. A client that sets it
 *        pings often enough to stay well inside it. Optional on the wire: a CONNECT that ends
 *        after {@code clientId} means 0.
 */
public record ConnectFrame(int magic, int version, String username, String password, String clientId,
                           int connectionTtlMillis) implements Frame {

    /** The first four bytes a Wharf client sends: ASCII "WHRF". */
    public static final int MAGIC = 0x57485246;

    /** A CONNECT without a connection TTL: the broker never closes the connection for silence. */
    public ConnectFrame(int magic, int version, String username, String password, String clientId) {
        this(magic, version, username, password, clientId, 0);
    }

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
        buf.writeInt(connectionTtlMillis);
    }

    public static ConnectFrame decode(ByteBuf buf) {
        int magic = WireSupport.readInt(buf);
        int version = WireSupport.readInt(buf);
        String username = WireSupport.readString(buf);
        String password = WireSupport.readString(buf);
        String clientId = WireSupport.readString(buf);
        int ttl = buf.isReadable() ? WireSupport.readInt(buf) : 0;
        return new ConnectFrame(magic, version, username, password, clientId, ttl);
    }

    @Override
    public String toString() {
        return "ConnectFrame[version=" + version + ", username=" + username + ", password=" + (password == null ? null : "***") + ", clientId=" + clientId
                + ", connectionTtlMillis=" + connectionTtlMillis + "]";
    }
}
