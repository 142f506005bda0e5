package dev.wharf.journal;

import java.util.Arrays;

/**
 * One live record as recovery gives it back: its id, its caller-chosen type and a copy of
 * its latest payload. Immutable.
 */
public record RecordInfo(long id, byte type, byte[] payload) {

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordInfo r && r.id == id && r.type == type && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "RecordInfo[id=" + id + ", type=" + type + ", payload=" + payload.length + " bytes]";
    }
}
