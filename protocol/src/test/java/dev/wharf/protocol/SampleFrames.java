package dev.wharf.protocol;

import dev.wharf.protocol.frame.*;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One representative instance of every frame type, with awkward values where they matter. */
final class SampleFrames {

    private SampleFrames() {
    }

    static WireMessage message() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("s", "héllo ✓");
        props.put("b", true);
        props.put("y", (byte) -3);
        props.put("h", (short) 300);
        props.put("i", Integer.MIN_VALUE);
        props.put("l", Long.MAX_VALUE);
        props.put("f", 1.5f);
        props.put("d", Double.NaN);
        props.put("n", null);
        return new WireMessage("ID:abc", WireDestination.queue("orders"), new WireDestination(WireDestination.Kind.TEMP_QUEUE, "temp-queue:c1:1"),
                null, new byte[] {1, 2, 3}, WireMessage.PERSISTENT, 9, 1_700_000_000_000L, 0, 5, "type",
                "conn-1", props, BodyType.TEXT, "body".getBytes(StandardCharsets.UTF_8));
    }

    static WireMessage minimalMessage() {
        return new WireMessage(null, WireDestination.topic("t"), null, "corr", null, WireMessage.NON_PERSISTENT, 0,
                0, 0, 0, null, null, null, BodyType.MESSAGE, null);
    }

    static Map<FrameType, Frame> all() {
        Map<FrameType, Frame> m = new EnumMap<>(FrameType.class);
        put(m, new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT, "user", "pässword", null, 30_000));
        put(m, new ConnectedFrame(1, "c-1", "wharf", "0.1.0", 1024));
        put(m, new OkFrame());
        put(m, new ErrorFrame(ErrorCode.INVALID_SELECTOR, "invalid selector \"a = \""));
        put(m, new SetClientIdFrame("client"));
        put(m, new DisconnectFrame());
        put(m, new PingFrame());
        put(m, new PongFrame());
        put(m, new FlowFrame(true));
        put(m, new AddressFlowFrame(WireDestination.queue("orders"), true));
        WireXid xid = new WireXid(0x1234, new byte[] {1, 2, 3}, new byte[] {9});
        put(m, new XaFrame(XaFrame.Op.END, 7, xid, 0x04000000, new long[] {3, 4}, 30));
        put(m, new XaResultFrame(3, null, java.util.List.of(xid)));
        put(m, new CreateSessionFrame(7, 0));
        put(m, new CloseSessionFrame(7));
        put(m, new CreateProducerFrame(7, 8, null));
        put(m, new CloseProducerFrame(8));
        put(m, new SendFrame(7, 8, message()));
        put(m, new CreateConsumerFrame(7, 9, WireDestination.topic("prices"), "a > 1", true, SubscriptionKind.SHARED_DURABLE, "sub", 0));
        put(m, new CloseConsumerFrame(9, new long[] {1, 2, Long.MAX_VALUE}));
        put(m, new DeliverFrame(9, 42, 3, minimalMessage()));
        put(m, new CreditFrame(9, 100));
        put(m, new PullFrame(9, -1));
        put(m, new AckFrame(7, new long[] {42, 43}, false));
        put(m, new RecoverFrame(7, new long[] {1}, new long[0]));
        put(m, new CommitFrame(7, new long[] {3, 4}));
        put(m, new RollbackFrame(7, new long[0], new long[] {5}));
        put(m, new CreateBrowserFrame(7, 10, WireDestination.queue("q"), null));
        put(m, new BrowseNextFrame(10, 50));
        put(m, new BrowseBatchFrame(List.of(message(), minimalMessage()), true));
        put(m, new CloseBrowserFrame(10));
        put(m, new CreateTempDestinationFrame(new WireDestination(WireDestination.Kind.TEMP_TOPIC, "temp-topic:c:1")));
        put(m, new DeleteTempDestinationFrame(new WireDestination(WireDestination.Kind.TEMP_TOPIC, "temp-topic:c:1")));
        put(m, new UnsubscribeFrame("sub"));
        put(m, new LargeSendFrame(7, 8, 11, 3L << 30, message().withBody(null)));
        put(m, new LargeDeliverFrame(9, 43, 1, 250, 3L << 30, minimalMessage()));
        put(m, new BodyChunkFrame(11, new byte[] {0, -1, 7}));
        put(m, new BodyEndFrame(11, 3L << 30, false));
        return m;
    }

    private static void put(Map<FrameType, Frame> m, Frame f) {
        m.put(f.type(), f);
    }
}
