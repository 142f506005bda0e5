package dev.wharf.server.internal.core;

import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.server.selector.Selector;
import java.util.Objects;

/**
 * A topic subscription: a {@link Queue} that receives a reference to every message published
 * to its topic that its selector matches and its no-local rule allows.
 * <ul>
 *   <li>{@code NONE}: private, non-durable, lives as long as its one consumer; no key.</li>
 *   <li>{@code DURABLE}: key (clientId, name), one active consumer, survives restarts.</li>
 *   <li>{@code SHARED}: key (clientId or null, name), many consumers, deleted with the last.</li>
 *   <li>{@code SHARED_DURABLE}: like SHARED, but survives restarts and its last consumer.</li>
 * </ul>
 * No-local: a message sent by the connection that owns the subscription (a NONE
 * subscription's consumer connection), or by a connection with the subscription's client id,
 * is not added.
 *
 * <p>Not thread-safe; confined to the broker thread.
 */
public final class Subscription {

    private final SubscriptionKind kind;
    private final SubscriptionKey key;
    private final Topic topic;
    private final String selectorText;
    private final Selector selector;
    private final boolean noLocal;
    private final String ownerConnectionId;
    private final Queue queue;

    /**
     * @param key null for a NONE subscription
     * @param ownerConnectionId the consumer's connection for a NONE subscription, else null
     */
    public Subscription(SubscriptionKind kind, SubscriptionKey key, Topic topic, String selectorText, Selector selector,
                        boolean noLocal, String ownerConnectionId, Queue queue) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.key = key;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.selectorText = SelectorSupport.normalize(selectorText);
        this.selector = Objects.requireNonNull(selector, "selector");
        this.noLocal = noLocal;
        this.ownerConnectionId = ownerConnectionId;
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    public SubscriptionKind kind() {
        return kind;
    }

    public SubscriptionKey key() {
        return key;
    }

    public Topic topic() {
        return topic;
    }

    public String selectorText() {
        return selectorText;
    }

    public boolean noLocal() {
        return noLocal;
    }

    public Queue queue() {
        return queue;
    }

    public boolean isDurable() {
        return kind.isDurable();
    }

    /** True if this subscription was declared with the same topic, selector and no-local flag. */
    public boolean sameDefinition(Topic otherTopic, String otherSelector, boolean otherNoLocal) {
        return topic == otherTopic && Objects.equals(selectorText, SelectorSupport.normalize(otherSelector))
                && noLocal == otherNoLocal;
    }

    /** True if a message published to the topic goes into this subscription. */
    public boolean accepts(StoredMessage message) {
        if (noLocal) {
            if (ownerConnectionId != null && ownerConnectionId.equals(message.senderConnectionId())) {
                return false;
            }
            if (key != null && key.clientId() != null && key.clientId().equals(message.senderClientId())) {
                return false;
            }
            for (Consumer c : queue.consumers()) {
                if (c.connectionId() != null && c.connectionId().equals(message.senderConnectionId())) {
                    return false;
                }
            }
        }
        return SelectorSupport.matches(selector, message);
    }

    @Override
    public String toString() {
        return "Subscription[" + kind + " " + (key == null ? queue.name() : key) + " on " + topic.name() + "]";
    }
}
