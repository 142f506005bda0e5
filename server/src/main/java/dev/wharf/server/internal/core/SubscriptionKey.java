package dev.wharf.server.internal.core;

import java.util.Objects;

/**
 * The identity of a named topic subscription: the client id (null for a shared subscription
 * created without one), the subscription name, and whether it is durable. Durable
 * subscriptions (shared or not) share one namespace; shared non-durable subscriptions have
 * their own (JMS 2.0: "such subscriptions would be completely separate").
 */
public record SubscriptionKey(String clientId, String name, boolean durable) {

    public SubscriptionKey {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return (durable ? "durable:" : "shared:") + (clientId == null ? "" : clientId + ":") + name;
    }
}
