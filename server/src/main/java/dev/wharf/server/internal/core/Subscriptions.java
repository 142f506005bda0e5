package dev.wharf.server.internal.core;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.server.SecuritySettings.Permission;
import dev.wharf.server.internal.store.JournalStore;
import dev.wharf.server.internal.store.QueueRecord;
import dev.wharf.server.selector.Selector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named topic subscriptions (durable, shared, shared durable) and the rules for creating,
 * reusing, replacing and deleting them (JMS 2.0 and the Wharf contract):
 * <ul>
 *   <li>DURABLE needs a client id (ILLEGAL_STATE without); one active consumer (a second:
 *       ILLEGAL_STATE); re-subscribing with another topic, selector or noLocal while inactive
 *       replaces it.</li>
 *   <li>SHARED and SHARED_DURABLE: many consumers; another topic or selector while it has
 *       consumers is ILLEGAL_STATE, while it has none replaces it. SHARED is deleted with its
 *       last consumer.</li>
 *   <li>DURABLE and SHARED_DURABLE share one namespace per client id (a clash is
 *       ILLEGAL_STATE); SHARED has its own.</li>
 *   <li>Durable ones are QUEUE records in the journal.</li>
 * </ul>
 * Not thread-safe; confined to the broker thread.
 */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private final JournalStore store;
    private final QueueContext queueContext;
    private final Map<SubscriptionKey, Subscription> named = new LinkedHashMap<>();

    Subscriptions(JournalStore store, QueueContext queueContext) {
        this.store = store;
        this.queueContext = queueContext;
    }

    /** A durable subscription by identity, or null. */
    Subscription find(String clientId, String name) {
        return named.get(new SubscriptionKey(clientId, name, true));
    }

    /** Re-creates a durable subscription from its journal record (recovery); returns its queue. */
    Queue restore(QueueRecord q, Topic topic) {
        SubscriptionKind kind = q.kind() == QueueRecord.Kind.DURABLE_SUBSCRIPTION
                ? SubscriptionKind.DURABLE : SubscriptionKind.SHARED_DURABLE;
        Selector selector;
        try {
            selector = SelectorSupport.parse(q.selector());
        } catch (BrokerException e) {
            LOG.warn("Durable subscription {} has a selector that no longer parses ({}); it receives every"
                    + " message until re-created", q.name(), e.getMessage());
            selector = Selector.ALL;
        }
        SubscriptionKey key = new SubscriptionKey(q.clientId(), q.name(), true);
        Queue queue = new Queue(subscriptionQueueName(key), Queue.Kind.SUBSCRIPTION, true, queueContext);
        Subscription s = new Subscription(kind, key, topic, q.selector(), selector, q.noLocal(), null, queue);
        topic.add(s);
        named.put(key, s);
        return queue;
    }

    /** The durable subscriptions (shared or not), in the order they were made. */
    java.util.List<Subscription> durable() {
        return named.values().stream().filter(Subscription::isDurable).toList();
    }

    /** Finds or creates the subscription a topic consumer reads from (rules: see the class comment). */
    Broker.Subscribed subscribe(BrokerConnection conn, Topic topic, SubscriptionKind kind, String name,
                                String selectorText, boolean noLocal, long consumerId) throws BrokerException {
        Selector selector = SelectorSupport.parse(selectorText);
        if (kind == SubscriptionKind.NONE) {
            Queue q = new Queue("subscription:" + topic.name() + ":" + conn.connectionId() + ":" + consumerId,
                    Queue.Kind.SUBSCRIPTION, false, queueContext);
            Subscription s = new Subscription(kind, null, topic, selectorText, selector, noLocal, conn.connectionId(), q);
            topic.add(s);
            return new Broker.Subscribed(s, CompletableFuture.completedFuture(null));
        }
        if (name == null || name.isEmpty()) {
            throw new BrokerException(ErrorCode.JMS, "a " + kind + " subscription needs a name");
        }
        if (topic.isTemporary() && kind.isDurable()) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "a durable subscription cannot be created on temporary topic " + topic.name());
        }
        String clientId = conn.clientId();
        if (kind == SubscriptionKind.DURABLE && clientId == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "an unshared durable subscription needs a client id;"
                    + " set one on the connection (setClientID) or the connection factory");
        }
        SubscriptionKey key = new SubscriptionKey(clientId, name, kind.isDurable());
        if (kind.isShared()) {
            noLocal = false;
        }
        Subscription existing = named.get(key);
        if (existing == null && kind.isDurable()) {
            conn.authorize(Permission.CREATE_DURABLE_QUEUE, WireDestination.topic(topic.name()));
        }
        if (existing != null) {
            if (existing.kind() != kind) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "subscription '" + name + "' already exists as a "
                        + existing.kind() + " subscription; it cannot be used as " + kind);
            }
            boolean active = existing.queue().consumerCount() > 0;
            if (kind == SubscriptionKind.DURABLE && active) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "durable subscription '" + name
                        + "' already has an active consumer");
            }
            if (existing.sameDefinition(topic, selectorText, noLocal)) {
                return new Broker.Subscribed(existing, CompletableFuture.completedFuture(null));
            }
            if (active) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "shared subscription '" + name
                        + "' is in use with another topic or selector; close its consumers first");
            }
            if (kind.isDurable()) {
                // Redefining a durable subscription deletes it and creates another.
                conn.authorize(Permission.DELETE_DURABLE_QUEUE, WireDestination.topic(existing.topic().name()));
                conn.authorize(Permission.CREATE_DURABLE_QUEUE, WireDestination.topic(topic.name()));
            }
            LOG.info("Replacing subscription {}: topic, selector or noLocal changed", key);
            delete(existing);
        }
        Queue q = new Queue(subscriptionQueueName(key), Queue.Kind.SUBSCRIPTION, kind.isDurable(), queueContext);
        Subscription s = new Subscription(kind, key, topic, selectorText, selector, noLocal, null, q);
        topic.add(s);
        named.put(key, s);
        CompletableFuture<Void> stored = CompletableFuture.completedFuture(null);
        if (kind.isDurable()) {
            q.recordId(store.nextId());
            QueueRecord.Kind recordKind = kind == SubscriptionKind.DURABLE
                    ? QueueRecord.Kind.DURABLE_SUBSCRIPTION : QueueRecord.Kind.SHARED_DURABLE_SUBSCRIPTION;
            stored = store.addQueue(new QueueRecord(q.recordId(), recordKind, name, topic.name(), clientId,
                    s.selectorText(), noLocal), true);
        }
        return new Broker.Subscribed(s, stored);
    }

    private static String subscriptionQueueName(SubscriptionKey key) {
        return "subscription:" + key;
    }

    /** A consumer of a subscription closed: non-durable subscriptions go with their last consumer. */
    void consumerClosed(Subscription s) {
        if (!s.isDurable() && s.queue().consumerCount() == 0) {
            delete(s);
        }
    }

    /**
     * Deletes a durable subscription of {@code conn}'s client id (or a shared one without).
     * Deliveries of it still unacknowledged in some session stay there: acknowledging them
     * later is harmless, recovering them drops them.
     */
    CompletableFuture<Void> unsubscribe(BrokerConnection conn, String name) throws BrokerException {
        Subscription s = named.get(new SubscriptionKey(conn.clientId(), name, true));
        if (s == null) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "there is no durable subscription '" + name + "'"
                    + (conn.clientId() == null ? " without a client id" : " for client id '" + conn.clientId() + "'"));
        }
        if (s.queue().consumerCount() > 0) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "durable subscription '" + name
                    + "' has an active consumer; close it before unsubscribing");
        }
        conn.authorize(Permission.DELETE_DURABLE_QUEUE, WireDestination.topic(s.topic().name()));
        return delete(s);
    }

    CompletableFuture<Void> delete(Subscription s) {
        s.topic().remove(s);
        if (s.key() != null) {
            named.remove(s.key(), s);
        }
        for (Consumer c : s.queue().consumers()) {
            c.close();
        }
        s.queue().delete();
        if (s.isDurable() && s.queue().recordId() != 0) {
            return store.deleteQueue(s.queue().recordId(), true);
        }
        return CompletableFuture.completedFuture(null);
    }
}
