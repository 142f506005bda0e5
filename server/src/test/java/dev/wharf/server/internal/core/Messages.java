package dev.wharf.server.internal.core;

import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Test messages. */
final class Messages {

    private Messages() {
    }

    static WireMessage text(WireDestination d, String text, int priority, boolean persistent) {
        return text(d, text, priority, persistent, Map.of(), 0, 0);
    }

    static WireMessage text(WireDestination d, String text, int priority, boolean persistent, Map<String, Object> props,
                            long expiration, long deliveryTime) {
        return new WireMessage("ID:" + text, d, null, null, null,
                persistent ? WireMessage.PERSISTENT : WireMessage.NON_PERSISTENT, priority, 1000, expiration, deliveryTime,
                null, "producer", props, BodyType.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    static String textOf(WireMessage m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }
}
