package dev.wharf.server.internal.core;

import dev.wharf.protocol.WireMessage;
import java.util.Objects;

/**
 * One message as the broker holds it: stored once, referenced by every queue it was routed
 * to ({@link MessageRef}). For a persistent message routed to at least one durable queue the
 * journal holds one MESSAGE record ({@link #journalId()}) that lives as long as
 * {@link #journaledRefs()} is above zero.
 *
 * <p>Not thread-safe; confined to the broker thread.
 */
public final class StoredMessage {

    private final WireMessage wire;
    private final String senderConnectionId;
    private final String senderClientId;
    private long journalId;
    private int journaledRefs;
    private int liveRefs;
    private AddressUsage countedIn;

    public StoredMessage(WireMessage wire, String senderConnectionId, String senderClientId) {
        this.wire = Objects.requireNonNull(wire, "wire");
        this.senderConnectionId = senderConnectionId;
        this.senderClientId = senderClientId;
    }

    public WireMessage wire() {
        return wire;
    }

    /** The id of the connection that sent it (null for a recovered message). */
    public String senderConnectionId() {
        return senderConnectionId;
    }

    /** The client id of the connection that sent it, or null. */
    public String senderClientId() {
        return senderClientId;
    }

    /** The journal id of the MESSAGE record, or 0 when it is not journaled. */
    public long journalId() {
        return journalId;
    }

    public void journalId(long id) {
        this.journalId = id;
    }

    public boolean isJournaled() {
        return journalId != 0;
    }

    /** Live journaled references; the MESSAGE record is deleted when this drops to zero. */
    public int journaledRefs() {
        return journaledRefs;
    }

    public void addJournaledRef() {
        journaledRefs++;
    }

    /**
     * Counts the message against {@code usage} while {@code refs} references of it live; each
     * {@link #refGone()} takes one away and the last gives the bytes back.
     */
    void countIn(AddressUsage usage, int refs) {
        if (refs <= 0) {
            return;
        }
        liveRefs = refs;
        countedIn = usage;
        usage.add(wire.estimatedSize());
    }

    /** One reference was acknowledged, dropped or moved; returns the usage to give bytes back to, or null. */
    AddressUsage refGone() {
        if (countedIn == null || --liveRefs > 0) {
            return null;
        }
        AddressUsage u = countedIn;
        countedIn = null;
        u.add(-wire.estimatedSize());
        return u;
    }

    /** Returns the number of journaled references left. */
    public int removeJournaledRef() {
        if (journaledRefs <= 0) {
            throw new IllegalStateException("no journaled reference left for message " + journalId);
        }
        return --journaledRefs;
    }
}
