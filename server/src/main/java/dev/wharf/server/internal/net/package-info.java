/**
 * The Netty side of the broker: the acceptor, the pipeline (FrameDecoder, FrameEncoder,
 * ConnectionHandler) and the channel-backed frame sink. Event loops only decode and encode;
 * every frame is handed to the broker thread. Set logger {@code dev.wharf.server.wire} to
 * TRACE to see every frame in and out.
 */
package dev.wharf.server.internal.net;
