/**
 * The broker core: queues, topics, subscriptions, consumers, sessions, transactions and the
 * per-connection frame handling ({@link dev.wharf.server.internal.core.BrokerConnection}).
 *
 * <h2>Threads</h2>
 * All state in this package is confined to one broker thread
 * ({@link dev.wharf.server.internal.core.BrokerThread}): Netty event loops decode frames and
 * submit them to it in order; journal futures complete on the journal's thread and their
 * continuations are submitted back to it; timers (delivery delay, pull timeouts) run on it.
 * Nothing here takes a lock or blocks, so nothing can deadlock, and each queue is mutated by one
 * task at a time.
 */
package dev.wharf.server.internal.core;
