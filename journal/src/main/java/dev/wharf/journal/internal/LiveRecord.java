package dev.wharf.journal.internal;

/**
 * One live record of the in-memory index: where it was created ({@code add}) and where its
 * latest content lies ({@code latest}, the same as {@code add} until the first update).
 * {@code payload} is kept only during recovery (to give it back to the caller) and is
 * {@code null} afterwards. Not thread-safe: confined to the thread owning {@link JournalState}.
 */
public final class LiveRecord {
    final long id;
    byte type;
    Loc add;
    Loc latest;
    byte[] payload;

    LiveRecord(long id, byte type, Loc add, byte[] payload) {
        this.id = id;
        this.type = type;
        this.add = add;
        this.latest = add;
        this.payload = payload;
    }

    public long id() {
        return id;
    }

    public byte type() {
        return type;
    }

    public Loc add() {
        return add;
    }

    public Loc latest() {
        return latest;
    }

    public byte[] payload() {
        return payload;
    }
}
