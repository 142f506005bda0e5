/**
 * The Netty side of the broker: the acceptor, the pipeline (FrameDecoder, FrameEncoder,
 * ConnectionHandler) and the channel-backed frame sink. Client channels all live on one event
 * loop, which is the broker thread: a frame is decoded and handled on it without a hand-off.
 * A second event loop only accepts. Set logger {@code dev.wharf.server.wire} to
 * TRACE to see every frame in and out.
 */
package dev.wharf.server.internal.net;
