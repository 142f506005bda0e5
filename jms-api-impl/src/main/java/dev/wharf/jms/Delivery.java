package dev.wharf.jms;

import dev.wharf.protocol.frame.DeliverFrame;

/**
 * A message the broker delivered to a consumer, with the failover generation of the connection
 * it came on: its delivery id means something only to the broker of that generation.
 */
record Delivery(DeliverFrame frame, long generation) {

    long id() {
        return frame.deliveryId();
    }

    String messageId() {
        return frame.message().messageId();
    }
}
