package dev.wharf.server;

/**
 * One queue or durable subscription of a running broker, over JMX: a queue is
 * {@code dev.wharf:type=Queue,broker=NAME,port=PORT,name=QUEUE}, a durable subscription
 * {@code dev.wharf:type=Subscription,broker=NAME,port=PORT,topic=TOPIC,clientId=ID,name=NAME}
 * (no {@code clientId} for a shared one created without). They appear within a second or two of
 * the queue or subscription, and go as long after it is deleted. Temporary queues and
 * non-durable subscriptions are not published.
 *
 * <p>Two operations for the messages waiting in it (not those delivered and not yet
 * acknowledged): remove them, or send the messages of a dead-letter or expiry queue back to
 * where they came from. Both work in batches of 10 000, each a task of its own on the broker
 * thread, so a queue of millions does not stall the broker; a matching message that arrives
 * while they run may be taken too.
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

    /**
     * Deletes the waiting messages that match {@code selector} (a JMS message selector; null or
     * empty: all of them). Returns how many were deleted.
     *
     * @throws IllegalArgumentException if the selector is not valid
     */
    int removeMessages(String selector);

    /**
     * Sends each waiting message that was moved here (dead-lettered or expired) back to the queue
     * or durable subscription it was moved from, with a fresh delivery count. A message whose
     * origin no longer exists stays. Returns how many went back.
     *
     * <p>The messages go in batches of 10 000, each its own task on the broker thread. A message whose
     * copy the store refuses (with the properties a move adds, it is larger than a journal record
     * may be; the broker's log names it) stays here too, and the call then stops after that
     * batch, so that it does not go round the same refused messages forever. Messages that
     * could go back may then still wait here; call it again to go on.
     */
    int retryMessages();
}
