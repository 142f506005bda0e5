package dev.wharf.protocol;

import java.util.Objects;

/**
 * A frame with its correlation id, the unit the codecs read and write.
 *
 * <p>A request that wants an answer carries a non-zero correlation id chosen by its sender
 * (unique per connection and direction); the answer ({@code OK}, {@code ERROR} or a
 * frame-specific response) carries the same id. Frames sent without expecting an answer
 * (deliveries, credit, pings) use 0.
 */
public record Packet(long correlationId, Frame frame) {

    public Packet {
        Objects.requireNonNull(frame, "frame");
    }

    @Override
    public String toString() {
        return frame.type() + "#" + correlationId + " " + frame;
    }
}
