package dev.wharf.protocol;

import dev.wharf.protocol.frame.*;
import io.netty.buffer.ByteBuf;
import java.util.function.Function;

/**
 * Every frame type with its wire code (one byte) and its decoder. Codes are checked unique
 * when the class loads; {@link #fromCode} rejects unknown codes with a {@link ProtocolException}.
 * Codes are grouped: 1-9 connection, 10-19 sessions and producers, 20-29 consumers and
 * acknowledgements, 30-39 transactions, 40-49 browsers, 50-59 destinations and subscriptions.
 */
public enum FrameType {
    CONNECT(1, ConnectFrame::decode),
    CONNECTED(2, ConnectedFrame::decode),
    OK(3, OkFrame::decode),
    ERROR(4, ErrorFrame::decode),
    SET_CLIENT_ID(5, SetClientIdFrame::decode),
    DISCONNECT(6, DisconnectFrame::decode),
    PING(7, PingFrame::decode),
    PONG(8, PongFrame::decode),
    FLOW(9, FlowFrame::decode),
    CREATE_SESSION(10, CreateSessionFrame::decode),
    CLOSE_SESSION(11, CloseSessionFrame::decode),
    CREATE_PRODUCER(12, CreateProducerFrame::decode),
    CLOSE_PRODUCER(13, CloseProducerFrame::decode),
    SEND(14, SendFrame::decode),
    ADDRESS_FLOW(15, AddressFlowFrame::decode),
    LARGE_SEND(16, LargeSendFrame::decode),
    BODY_CHUNK(17, BodyChunkFrame::decode),
    BODY_END(18, BodyEndFrame::decode),
    CREATE_CONSUMER(20, CreateConsumerFrame::decode),
    CLOSE_CONSUMER(21, CloseConsumerFrame::decode),
    DELIVER(22, DeliverFrame::decode),
    CREDIT(23, CreditFrame::decode),
    PULL(24, PullFrame::decode),
    ACK(25, AckFrame::decode),
    RECOVER(26, RecoverFrame::decode),
    LARGE_DELIVER(27, LargeDeliverFrame::decode),
    COMMIT(30, CommitFrame::decode),
    ROLLBACK(31, RollbackFrame::decode),
    CREATE_BROWSER(40, CreateBrowserFrame::decode),
    BROWSE_NEXT(41, BrowseNextFrame::decode),
    BROWSE_BATCH(42, BrowseBatchFrame::decode),
    CLOSE_BROWSER(43, CloseBrowserFrame::decode),
    CREATE_TEMP_DESTINATION(50, CreateTempDestinationFrame::decode),
    DELETE_TEMP_DESTINATION(51, DeleteTempDestinationFrame::decode),
    UNSUBSCRIBE(52, UnsubscribeFrame::decode),
    XA(60, XaFrame::decode),
    XA_RESULT(61, XaResultFrame::decode);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            if (BY_CODE[t.code] != null) {
                throw new ExceptionInInitializerError("duplicate frame code " + t.code + ": " + t + " and " + BY_CODE[t.code]);
            }
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final Function<ByteBuf, ? extends Frame> decoder;

    FrameType(int code, Function<ByteBuf, ? extends Frame> decoder) {
        this.code = code;
        this.decoder = decoder;
    }

    public int code() {
        return code;
    }

    /** Decodes this type's fields from {@code buf}. */
    public Frame decode(ByteBuf buf) {
        return decoder.apply(buf);
    }

    public static FrameType fromCode(int code) {
        FrameType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (t == null) {
            throw new ProtocolException("unknown frame type: " + code);
        }
        return t;
    }
}
