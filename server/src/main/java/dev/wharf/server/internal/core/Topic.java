package dev.wharf.server.internal.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A topic: the set of its subscriptions. A message published to it is referenced once by each
 * subscription that accepts it. A temporary topic has an owner connection.
 *
 * <p>Not thread-safe; confined to the broker thread.
 */
public final class Topic {

    private final String name;
    private final boolean temporary;
    private final String ownerConnectionId;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private boolean deleted;

    public Topic(String name, boolean temporary, String ownerConnectionId) {
        this.name = Objects.requireNonNull(name, "name");
        this.temporary = temporary;
        this.ownerConnectionId = ownerConnectionId;
    }

    public String name() {
        return name;
    }

    public boolean isTemporary() {
        return temporary;
    }

    public String ownerConnectionId() {
        return ownerConnectionId;
    }

    public List<Subscription> subscriptions() {
        return subscriptions;
    }

    public void add(Subscription s) {
        subscriptions.add(s);
    }

    public void remove(Subscription s) {
        subscriptions.remove(s);
    }

    public boolean isDeleted() {
        return deleted;
    }

    public void markDeleted() {
        deleted = true;
    }

    /** Consumers attached to any of its subscriptions. */
    public int consumerCount() {
        int n = 0;
        for (Subscription s : subscriptions) {
            n += s.queue().consumerCount();
        }
        return n;
    }
}
