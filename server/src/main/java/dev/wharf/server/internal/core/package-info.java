/**
 * The broker core: queues, topics, subscriptions, consumers, sessions, transactions and the
 * per-connection frame handling ({@link dev.wharf.server.internal.core.BrokerConnection}).
 *
 * <h2>Threads</h2>
 * All state in this package is confined to one broker thread
 * ({@link dev.wharf.server.internal.core.BrokerThread}), which in a networked broker is the
 * Netty event loop of every client channel, so a decoded frame is handled where it was decoded;
 * journal futures complete on the journal's thread and their continuations are submitted back
 * to it (only the plain OK answering a stored send or acknowledgement is written by the journal
 * thread itself, {@link dev.wharf.server.internal.core.FrameSink#sendNow}); timers (delivery delay, pull timeouts) run on it.
 * Nothing here takes a lock or blocks, so nothing can deadlock, and each queue is mutated by one
 * task at a time.
 */
package dev.wharf.server.internal.core;
