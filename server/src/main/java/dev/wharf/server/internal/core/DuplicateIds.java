package dev.wharf.server.internal.core;

import dev.wharf.protocol.WireDestination;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The duplicate ids recently sent to each address, oldest first, each with the journal id of
 * its DUPLICATE_ID record. Bounded per address: adding beyond the address's cache size evicts the
 * oldest ids, whose records the caller deletes.
 *
 * <p>Not thread-safe; confined to the broker thread.
 */
final class DuplicateIds {

    private final Map<WireDestination, LinkedHashMap<String, Long>> byAddress = new HashMap<>();

    boolean contains(WireDestination address, String duplicateId) {
        LinkedHashMap<String, Long> ids = byAddress.get(address);
        return ids != null && ids.containsKey(duplicateId);
    }

    /**
     * Remembers an id under its record id (a repeated id keeps its first record); returns the
     * record ids of the ids evicted to stay within {@code capacity}, which may include the
     * given one when {@code capacity} is 0.
     */
    List<Long> add(WireDestination address, String duplicateId, long recordId, int capacity) {
        LinkedHashMap<String, Long> ids = byAddress.computeIfAbsent(address, a -> new LinkedHashMap<>());
        ids.putIfAbsent(duplicateId, recordId);
        List<Long> evicted = new ArrayList<>();
        for (Iterator<Long> it = ids.values().iterator(); ids.size() > capacity && it.hasNext(); ) {
            evicted.add(it.next());
            it.remove();
        }
        if (ids.isEmpty()) {
            byAddress.remove(address);
        }
        return evicted;
    }

    /** Forgets an id whose record never became durable. */
    void remove(WireDestination address, String duplicateId, long recordId) {
        LinkedHashMap<String, Long> ids = byAddress.get(address);
        if (ids != null && ids.remove(duplicateId, recordId) && ids.isEmpty()) {
            byAddress.remove(address);
        }
    }

    /** Ids remembered for {@code address}. */
    int size(WireDestination address) {
        LinkedHashMap<String, Long> ids = byAddress.get(address);
        return ids == null ? 0 : ids.size();
    }
}
