package dev.wharf.server.internal.core;

import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import java.util.Objects;

/**
 * One message as the broker holds it: stored once, referenced by every queue it was routed
 * to ({@link MessageRef}). For a persistent message routed to at least one durable queue the
 * journal holds one MESSAGE record ({@link #journalId()}) that lives as long as
 * {@link #journaledRefs()} is above zero.
 *
 * <p>A large message ({@link #isLarge()}) keeps only its headers and properties in memory; its
 * body is a file ({@link dev.wharf.server.internal.store.LargeBody}) this message holds until its
 * last reference is gone ({@link #refGone()}) and, if it was journaled, the deletion of its record
 * is forced ({@link #journalRecordGone()}): a crash never finds a live record whose file is gone.
 * A message no queue ever took ({@link #discardIfUnused()}) gives its body back at once. The last
 * holder of a body deletes the file.
 *
 * <p>A send staged in a transaction counts against its address from the moment it is staged
 * ({@link #stageIn}) until the transaction ends ({@link #unstage}): committed, it is counted
 * again by the references it got ({@link #countIn}); rolled back or abandoned, its bytes go back.
 *
 * <p>Not thread-safe; confined to the broker thread.
 */
public final class StoredMessage {

    private WireMessage wire;
    /** Where the body is while it is paged out (then {@link #wire} has an empty body), else null. */
    private dev.wharf.server.internal.store.PageStore.Location page;
    private dev.wharf.server.internal.store.PageStore pages;
    private long countedBytes;
    private final String senderConnectionId;
    private final String senderClientId;
    private long journalId;
    private int journaledRefs;
    private int liveRefs;
    private AddressUsage countedIn;
    /** The address whose usage counts this staged (uncommitted) send, or null; see {@link #stageIn}. */
    private AddressUsage stagedIn;
    private long stagedBytes;
    /** The body of a large message, or null; held while {@link #largeHeld}. */
    private final dev.wharf.server.internal.store.LargeBody large;
    private boolean largeHeld;
    /** Some queue referenced it (countIn); its last reference went ({@link #refGone}); its record's deletion is forced. */
    private boolean everCounted;
    private boolean refsGone;
    private boolean recordGone;

    public StoredMessage(WireMessage wire, String senderConnectionId, String senderClientId) {
        this(wire, senderConnectionId, senderClientId, null);
    }

    /**
     * @param large the body of a large message, held once for this message (the caller's hold
     *     passes to it), or null; {@code wire}'s body is then null
     */
    public StoredMessage(WireMessage wire, String senderConnectionId, String senderClientId,
                         dev.wharf.server.internal.store.LargeBody large) {
        this.wire = Objects.requireNonNull(wire, "wire");
        this.senderConnectionId = senderConnectionId;
        this.senderClientId = senderClientId;
        this.large = large;
        this.largeHeld = large != null;
    }

    /** True if the body is in its own file ({@link #large()}). */
    public boolean isLarge() {
        return large != null;
    }

    /** The body file of a large message, or null. */
    public dev.wharf.server.internal.store.LargeBody large() {
        return large;
    }

    /**
     * Releases the body of a large message, or the page of a paged one, that no queue holds a
     * reference to (a send dropped, refused, not routed anywhere, or a transaction rolled back).
     * Idempotent; a no-op for other messages and for messages some queue still references.
     */
    public void discardIfUnused() {
        if (everCounted) {
            return;
        }
        if (largeHeld) {
            releaseLarge();
        }
        if (page != null) {
            // A staged send paged out while its transaction was open.
            pages.release(page);
            page = null;
        }
    }

    /** The deletion of the journal record of this (large) message is forced; its body may go once unreferenced. */
    public void journalRecordGone() {
        recordGone = true;
        if (refsGone) {
            releaseLarge();
        }
    }

    private void releaseLarge() {
        if (largeHeld) {
            largeHeld = false;
            large.release();
        }
    }

    /**
     * The message's headers and properties, and its body unless it is paged out ({@link #isPaged()}):
     * everything routing, ordering, selectors and expiry need. {@link #fullWire()} has the body.
     */
    public WireMessage wire() {
        return wire;
    }

    /** The whole message, its body read back from its page file if it is paged out. */
    public WireMessage fullWire() {
        return page == null ? wire : wire.withBody(pages.read(page));
    }

    public boolean isPaged() {
        return page != null;
    }

    private static final byte[] NO_BODY = new byte[0];

    /**
     * Moves the body to {@code store}; only the headers and properties stay in memory, and what
     * they can share with other messages they share: {@code destination} (the address's own
     * instance) and the sending connection's id. A backlog of paged messages is mostly headers,
     * so that is about a fifth of what each one keeps in memory.
     */
    void pageOut(dev.wharf.server.internal.store.PageStore store, WireDestination destination) {
        if (page == null && large == null) {
            page = store.write(wire.body());
            pages = store;
            wire = wire.withBodySharing(NO_BODY, destination, senderConnectionId);
        }
    }

    /** A recovered message whose body recovery paged: {@link #wire} has an empty body, the page has it. */
    void pagedAt(dev.wharf.server.internal.store.PageStore store, dev.wharf.server.internal.store.PageStore.Location at) {
        page = at;
        pages = store;
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
     * Counts the message against {@code usage} while {@code refs} references of it live: the heap
     * it holds with them ({@link HeapEstimate#routed}). Each {@link #refGone()} takes one away and
     * the last gives all the bytes back.
     */
    void countIn(AddressUsage usage, int refs) {
        if (refs <= 0) {
            return;
        }
        liveRefs = refs;
        everCounted = true;
        countedIn = usage;
        shareHeaders(usage.address());
        countedBytes = HeapEstimate.routed(wire, refs, journaledRefs);
        usage.add(countedBytes);
    }

    /**
     * Takes the address's own destination instance and the sending connection's id string in
     * place of the copies decoded with this message, where they are equal: a queue's backlog then
     * holds one of each instead of one per message (about 150 bytes a message).
     */
    private void shareHeaders(WireDestination address) {
        WireDestination d = wire.destination();
        String p = wire.producerId();
        boolean destination = d != address && address.equals(d);
        boolean producer = p != senderConnectionId && p != null && p.equals(senderConnectionId);
        if (destination || producer) {
            wire = wire.withBodySharing(wire.body(), address, senderConnectionId);
        }
    }

    /** Counts a send staged in a transaction against {@code usage} until {@link #unstage}. */
    void stageIn(AddressUsage usage) {
        unstage();
        stagedIn = usage;
        stagedBytes = HeapEstimate.message(wire);
        usage.add(stagedBytes);
    }

    /** Its transaction ended: gives the staged bytes back; returns the usage given back to, or null. Idempotent. */
    AddressUsage unstage() {
        AddressUsage u = stagedIn;
        if (u != null) {
            stagedIn = null;
            u.add(-stagedBytes);
        }
        return u;
    }

    /** The bytes it counts as a staged send, or 0. */
    long stagedBytes() {
        return stagedIn == null ? 0 : stagedBytes;
    }

    /** One reference was acknowledged, dropped or moved; returns the usage to give bytes back to, or null. */
    AddressUsage refGone() {
        if (countedIn == null || --liveRefs > 0) {
            return null;
        }
        AddressUsage u = countedIn;
        countedIn = null;
        u.add(-countedBytes);
        if (page != null) {
            pages.release(page);
            page = null;
        }
        refsGone = true;
        if (!isJournaled() || recordGone) {
            releaseLarge();
        }
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
