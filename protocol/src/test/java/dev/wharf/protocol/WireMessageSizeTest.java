package dev.wharf.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireMessageSizeTest {

    private static int encodedLength(WireMessage m) {
        ByteBuf buf = Unpooled.buffer();
        try {
            m.encode(buf);
            return buf.readableBytes();
        } finally {
            buf.release();
        }
    }

    @Test
    void boundIsExactWhenEveryCharTakesThreeBytes() {
        // CJK chars take 3 bytes each in UTF-8, the most the bound allows for: a field the bound
        // forgot, or a length or tag it missed, shows as a difference here.
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("中文", "订单号");
        props.put("键", "值值值值");
        WireMessage m = new WireMessage("标识中", WireDestination.queue("队列"), WireDestination.topic("主题"), "关联", null,
                WireMessage.PERSISTENT, 4, 1L, 2L, 3L, "类型", "生产者", props, BodyType.BYTES, new byte[1000]);
        assertEquals(encodedLength(m), m.maxEncodedSize());
    }

    @Test
    void boundIsNeverBelowTheEncodedLength() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("emoji", "\uD83D\uDE00 and ascii");
        props.put("bytes", new byte[] {1, 2, 3});
        props.put("flag", false);
        props.put("n", null);
        props.put("c", 'x');
        WireMessage[] messages = {
            SampleFrames.message(),
            SampleFrames.minimalMessage(),
            new WireMessage("ID:1", WireDestination.queue("q"), null, null, new byte[] {9, 9}, WireMessage.PERSISTENT, 4,
                    0, 0, 0, null, null, props, BodyType.BYTES, new byte[100_000]),
            // An unpaired surrogate is written as one byte.
            new WireMessage("\uD800", WireDestination.queue("q\uDC00"), null, "x", null, WireMessage.NON_PERSISTENT, 0,
                    0, 0, 0, null, null, null, BodyType.TEXT, null),
        };
        for (WireMessage m : messages) {
            int length = encodedLength(m);
            assertTrue(m.maxEncodedSize() >= length, m.maxEncodedSize() + " < " + length + " for " + m);
        }
    }
}
