package dev.wharf.protocol.frame;

import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameType;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireSupport;
import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Client to broker: create a consumer on a destination. Answered OK or ERROR (INVALID_DESTINATION, INVALID_SELECTOR, ILLEGAL_STATE for a durable subscription in use, INVALID_CLIENT_ID when a durable subscription needs a client id and there is none). The broker then sends up to {@code prefetch} deliveries before waiting for CREDIT.
 *
 * @param sessionId the session
 *
 * @param consumerId client-chosen id, unique in the connection
 *
 * @param destination a queue or topic
 *
 * @param selector message selector, or null
 *
 * @param noLocal do not deliver messages sent on this connection (topics)
 *
 * @param subscriptionKind for topics: what subscription to use
 *
 * @param subscriptionName the subscription name for durable or shared subscriptions, else null
 *
 * @param prefetch initial credit: messages the broker may send ahead of receive; 0 for pull
 */
public record CreateConsumerFrame(long sessionId, long consumerId, WireDestination destination, String selector, boolean noLocal, SubscriptionKind subscriptionKind, String subscriptionName, int prefetch) implements Frame {

    public CreateConsumerFrame {
        Objects.requireNonNull(subscriptionKind, "subscriptionKind");
    }

    @Override
    public FrameType type() {
        return FrameType.CREATE_CONSUMER;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeLong(sessionId);
        buf.writeLong(consumerId);
        WireDestination.write(buf, destination);
        WireSupport.writeString(buf, selector);
        WireSupport.writeBool(buf, noLocal);
        buf.writeByte(subscriptionKind.code());
        WireSupport.writeString(buf, subscriptionName);
        buf.writeInt(prefetch);
    }

    public static CreateConsumerFrame decode(ByteBuf buf) {
        long sessionId = WireSupport.readLong(buf);
        long consumerId = WireSupport.readLong(buf);
        WireDestination destination = WireDestination.read(buf);
        String selector = WireSupport.readString(buf);
        boolean noLocal = WireSupport.readBool(buf);
        SubscriptionKind subscriptionKind = SubscriptionKind.fromCode(WireSupport.readByte(buf));
        String subscriptionName = WireSupport.readString(buf);
        int prefetch = WireSupport.readInt(buf);
        return new CreateConsumerFrame(sessionId, consumerId, destination, selector, noLocal, subscriptionKind, subscriptionName, prefetch);
    }
}
