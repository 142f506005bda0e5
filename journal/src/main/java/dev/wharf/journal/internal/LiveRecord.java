package dev.wharf.journal.internal;

/**
 * One live record of the in-memory index: where it was created ({@code add}) and where its
 * latest content lies ({@code latest}, the same as {@code add} until the first update); the
 * content itself is read from there when needed. Not thread-safe: confined to the thread owning
 * {@link JournalState}.
 */
public final class LiveRecord {
    final long id;
    byte type;
    Loc add;
    Loc latest;

    LiveRecord(long id, byte type, Loc add) {
        this.id = id;
        this.type = type;
        this.add = add;
        this.latest = add;
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
}
