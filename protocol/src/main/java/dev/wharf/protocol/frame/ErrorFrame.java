package dev.wharf.protocol.frame;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Either way: the request with the same correlation id failed (correlation id 0: the connection failed and will be closed).
 *
 * @param code why
 *
 * @param message what happened and what to do, for a human
 */
public record ErrorFrame(ErrorCode code, String message) implements Frame {

    public ErrorFrame {
        Objects.requireNonNull(code, "code");
    }

    @Override
    public FrameType type() {
        return FrameType.ERROR;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeInt(code.code());
        WireSupport.writeString(buf, message);
    }

    public static ErrorFrame decode(ByteBuf buf) {
        ErrorCode code = ErrorCode.fromCode(WireSupport.readInt(buf));
        String message = WireSupport.readString(buf);
        return new ErrorFrame(code, message);
    }
}
