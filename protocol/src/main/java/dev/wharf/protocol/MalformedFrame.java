package dev.wharf.protocol;

/**
 * What {@link FrameDecoder} passes up the pipeline instead of a {@link Packet} when a frame
 * cannot be accepted. The handler answers it with an {@code ERROR} frame carrying
 * {@code correlationId}, then closes the connection if {@code fatal}.
 *
 * @param correlationId the correlation id of the bad frame when it could be read, else 0
 * @param code the error code to answer with
 * @param reason what was wrong, with the numbers
 * @param fatal true if the byte stream cannot be trusted any more (framing lost)
 */
public record MalformedFrame(long correlationId, ErrorCode code, String reason, boolean fatal) {
}
