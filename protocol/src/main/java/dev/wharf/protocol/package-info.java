/**
 * The Wharf wire protocol: a binary, length-prefixed frame protocol over TCP.
 *
 * <h2>Connection</h2>
 * The client opens a TCP connection and sends a {@code CONNECT} frame whose first field is
 * the magic number {@code 0x57485246} ("WHRF") and the second the protocol version
 * ({@link dev.wharf.protocol.ProtocolVersion#CURRENT}). The broker answers {@code CONNECTED}
 * (with the version it will speak and its maximum frame size) or {@code ERROR} and closes.
 * No other frame is accepted before {@code CONNECT}.
 *
 * <h2>Frames</h2>
 * <pre>
 * offset  width  field
 *      0      4  length: int32, big-endian, bytes after this field (>= 9)
 *      4      1  type: uint8, see {@link dev.wharf.protocol.FrameType}
 *      5      8  correlation id: int64 (see {@link dev.wharf.protocol.Packet})
 *     13      n  fields of the frame type, in the order of the record components of its
 *                class in {@code dev.wharf.protocol.frame}
 * </pre>
 * Primitive encodings are in {@link dev.wharf.protocol.WireSupport}, typed values in
 * {@link dev.wharf.protocol.TypedValues}, destinations in
 * {@link dev.wharf.protocol.WireDestination}, messages in {@link dev.wharf.protocol.WireMessage}.
 * The full table of frames and their fields is {@code docs/formats/protocol.md}.
 *
 * <h2>Errors</h2>
 * A frame that is too large, of an unknown type, or whose fields do not parse is answered by
 * an {@code ERROR} frame carrying its correlation id; the connection goes on. A frame length
 * that is negative or too short means the stream is out of step: the receiver sends
 * {@code ERROR} with correlation id 0 and closes the connection.
 */
package dev.wharf.protocol;
