package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import dev.wharf.protocol.WireXid;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Broker to client: the answer to an {@link XaFrame}. {@code code} is what the XAResource call
 * returns ({@code XA_OK} 0, {@code XA_RDONLY} 3) or, when it is an XAException error code (the
 * XAER_* codes are negative, XA_RB* 100..107, XA_HEUR* 5..8), what it throws, with
 * {@code message} saying why.
 *
 * @param code the javax.transaction.xa return value or XAException error code
 * @param message why, for an error; else null
 * @param xids RECOVER: the prepared branches; else empty
 */
public record XaResultFrame(int code, String message, List<WireXid> xids) implements Frame {

    public XaResultFrame {
        xids = List.copyOf(Objects.requireNonNullElse(xids, List.of()));
    }

    /** True if {@code code} is an error to throw as an XAException. */
    public boolean isError() {
        return code != 0 && code != 3;
    }

    @Override
    public FrameType type() {
        return FrameType.XA_RESULT;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeInt(code);
        WireSupport.writeString(buf, message);
        buf.writeInt(xids.size());
        for (WireXid x : xids) {
            WireXid.write(buf, x);
        }
    }

    public static XaResultFrame decode(ByteBuf buf) {
        int code = WireSupport.readInt(buf);
        String message = WireSupport.readString(buf);
        int n = WireSupport.readInt(buf);
        if (n < 0 || n > buf.readableBytes()) {
            throw new dev.wharf.protocol.ProtocolException("bad Xid count " + n);
        }
        List<WireXid> xids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            xids.add(WireXid.read(buf));
        }
        return new XaResultFrame(code, message, xids);
    }
}
