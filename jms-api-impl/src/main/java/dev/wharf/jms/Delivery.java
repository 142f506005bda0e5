package dev.wharf.jms;

import dev.wharf.jms.message.JmsBytesMessage;
import dev.wharf.jms.message.JmsMessage;
import dev.wharf.jms.message.LargeBodyFile;
import dev.wharf.protocol.frame.DeliverFrame;

/**
 * A message the broker delivered to a consumer, with the failover generation of the connection
 * it came on: its delivery id means something only to the broker of that generation. A large
 * BytesMessage has its body in {@code largeBody} (the frame's message has none). {@code credits}
 * is the consumer credit it took, given back when the application consumes it.
 */
record Delivery(DeliverFrame frame, long generation, LargeBodyFile largeBody, int credits) {

    Delivery(DeliverFrame frame, long generation) {
        this(frame, generation, null, 1);
    }

    long id() {
        return frame.deliveryId();
    }

    String messageId() {
        return frame.message().messageId();
    }

    /** The message the application gets. */
    JmsMessage toMessage(int deliveryCount) {
        JmsMessage m = JmsMessage.fromWire(frame.message(), deliveryCount);
        if (largeBody != null && m instanceof JmsBytesMessage b) {
            b.receivedBody(largeBody);
        }
        return m;
    }
}
