package dev.wharf.journal.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A transaction seen but not yet committed or rolled back: its staged operations in order,
 * and its PREPARE record once prepared. Not thread-safe: confined to the owner of
 * {@link JournalState}.
 */
public final class TxState {

    /** One staged operation ({@code kind} is ADD_TX, UPDATE_TX or DELETE_TX). */
    public static final class Op {
        final byte kind;
        final long id;
        final byte type;
        Loc loc;

        Op(byte kind, long id, byte type, Loc loc) {
            this.kind = kind;
            this.id = id;
            this.type = type;
            this.loc = loc;
        }

        public byte kind() {
            return kind;
        }

        public long id() {
            return id;
        }

        public byte type() {
            return type;
        }

        public Loc loc() {
            return loc;
        }
    }

    final long txId;
    final List<Op> ops = new ArrayList<>();
    Loc prepareLoc;
    byte[] prepareData;

    TxState(long txId) {
        this.txId = txId;
    }

    public long txId() {
        return txId;
    }

    public List<Op> ops() {
        return ops;
    }

    public boolean prepared() {
        return prepareLoc != null;
    }

    public Loc prepareLoc() {
        return prepareLoc;
    }

    public byte[] prepareData() {
        return prepareData;
    }
}
