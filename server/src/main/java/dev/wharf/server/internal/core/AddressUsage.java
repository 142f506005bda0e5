package dev.wharf.server.internal.core;

import dev.wharf.protocol.WireDestination;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How many message bytes one address holds (each message once, however many subscriptions
 * reference it), the sends held while it is full under the BLOCK policy, and the connections
 * told to hold theirs.
 *
 * <p>Not thread-safe; confined to the broker thread.
 */
final class AddressUsage {

    /** A non-transacted send held until the address has room. */
    record Held(BrokerConnection connection, long correlationId, StoredMessage message, Scheduler.Cancellable timeout) {
    }

    /** The message bytes of all addresses together, for the broker's {@code global.max.size}. */
    static final class Total {
        private long bytes;

        long bytes() {
            return bytes;
        }
    }

    private final WireDestination address;
    private final Total total;
    private long bytes;
    private final Deque<Held> held = new ArrayDeque<>();
    private final Set<BrokerConnection> blocked = new LinkedHashSet<>();
    private boolean drainScheduled;

    AddressUsage(WireDestination address, Total total) {
        this.address = address;
        this.total = total;
    }

    WireDestination address() {
        return address;
    }

    long bytes() {
        return bytes;
    }

    void add(long delta) {
        bytes += delta;
        total.bytes += delta;
    }

    Deque<Held> held() {
        return held;
    }

    /** Connections told that the address is blocked, to be told when it is not. */
    Set<BrokerConnection> blockedConnections() {
        return blocked;
    }

    boolean drainScheduled() {
        return drainScheduled;
    }

    void drainScheduled(boolean value) {
        drainScheduled = value;
    }
}
