package dev.wharf.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Another provider's messages and destinations, made with {@link Proxy} so they are not Wharf classes. */
final class ForeignMessages {

    private ForeignMessages() {
    }

    static Queue foreignQueue(String name) {
        return (Queue) Proxy.newProxyInstance(ForeignMessages.class.getClassLoader(), new Class<?>[] {Queue.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getQueueName" -> name;
                    case "toString" -> "foreign-queue:" + name;
                    case "hashCode" -> name.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static Topic foreignTopic(String name) {
        return (Topic) Proxy.newProxyInstance(ForeignMessages.class.getClassLoader(), new Class<?>[] {Topic.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getTopicName" -> name;
                    case "toString" -> "foreign-topic:" + name;
                    case "hashCode" -> name.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A foreign message of type {@code type} that behaves like {@code delegate} and records the calls made. */
    static <T extends Message> Foreign<T> wrap(Class<T> type, JmsMessage delegate, Set<String> refused) {
        List<String> calls = new ArrayList<>();
        T proxy = type.cast(Proxy.newProxyInstance(ForeignMessages.class.getClassLoader(), new Class<?>[] {type},
                (p, method, args) -> {
                    calls.add(method.getName());
                    if (refused.contains(method.getName())) {
                        throw new JMSException(method.getName() + " refused by this provider");
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
        return new Foreign<>(proxy, calls);
    }

    record Foreign<T extends Message>(T message, List<String> calls) {
    }
}
