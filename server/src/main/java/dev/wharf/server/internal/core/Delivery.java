package dev.wharf.server.internal.core;

/**
 * A message reference handed to a consumer and not yet acknowledged or returned. Owned by the
 * session of the consumer; outlives the consumer (a closed consumer's consumed messages stay
 * with the session until acknowledged, recovered or rolled back).
 *
 * @param deliveryId connection-unique id the client acknowledges by
 * @param ref the reference (removed from its queue while delivered)
 * @param consumer the consumer it was delivered to
 * @param session the consumer's session
 * @param deliveredAt when it was sent to the client (ms since the epoch), for slow-consumer checks
 * @param credits the consumer credit it took (1, or more for a large message); restored if it is released unseen
 */
public record Delivery(long deliveryId, MessageRef ref, Consumer consumer, ServerSession session, long deliveredAt,
                       int credits) {
}
