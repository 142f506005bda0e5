package dev.wharf.server;

/**
 * One queue or durable subscription of a running broker, over JMX: a queue is
 * {@code dev.wharf:type=Queue,broker=NAME,port=PORT,name=QUEUE}, a durable subscription
 * {@code dev.wharf:type=Subscription,broker=NAME,port=PORT,topic=TOPIC,clientId=ID,name=NAME}
 * (no {@code clientId} for a shared one created without). They appear within a second or two of
 * the queue or subscription, and go as long after it is deleted. Temporary queues and
 * non-durable subscriptions are not published.
 */
public interface QueueStatusMXBean {

    /** The queue's or subscription's name. */
    String getName();

    /** The topic of a subscription, or null for a queue. */
    String getTopic();

    /** Messages not yet acknowledged: those waiting for a consumer (delayed ones included) and those delivered. */
    long getMessageCount();

    /** Of those, the messages delivered to consumers (prefetched included) and not yet acknowledged. */
    long getDeliveringCount();

    int getConsumerCount();

    /** Messages that expired here since the broker started (moved to the expiry address or dropped). */
    long getExpiredCount();
}
