package dev.wharf.server;

/**
 * A snapshot of one queue, for monitoring and tests.
 *
 * @param name the queue's name
 * @param waiting messages waiting for a consumer (delayed ones included)
 * @param inFlight messages delivered and not yet acknowledged
 * @param consumers open consumers
 * @param expired messages that expired in this queue since the start (moved or dropped)
 * @param groups message groups currently pinned to a consumer
 */
public record QueueStats(String name, int waiting, int inFlight, int consumers, long expired, int groups) {
}
