package dev.wharf.samples;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.List;

/**
 * Publish/subscribe with a durable subscription: the subscriber registers, goes away, prices
 * are published while it is offline, and it receives all of them when it comes back.
 */
public final class DurableTopicSample {

    public static void main(String[] args) {
        List<String> received = run(SampleSupport.connectionFactory(args), "samples.prices", "price-watcher", 3);
        received.forEach(text -> System.out.println("received while away: " + text));
    }

    public static List<String> run(ConnectionFactory cf, String topicName, String clientId, int count) {
        // 1. Register the durable subscription (client id + subscription name), then go offline.
        try (JMSContext subscriber = cf.createContext()) {
            subscriber.setClientID(clientId);
            subscriber.createDurableConsumer(subscriber.createTopic(topicName), "prices").close();
        }
        // 2. Publish while nobody is connected.
        try (JMSContext publisher = cf.createContext()) {
            Topic topic = publisher.createTopic(topicName);
            for (int i = 1; i <= count; i++) {
                publisher.createProducer().send(topic, "price update " + i);
            }
        }
        // 3. Come back with the same client id and name: the messages were kept.
        List<String> received = new ArrayList<>();
        try (JMSContext subscriber = cf.createContext()) {
            subscriber.setClientID(clientId);
            try (JMSConsumer consumer = subscriber.createDurableConsumer(subscriber.createTopic(topicName), "prices")) {
                for (int i = 0; i < count; i++) {
                    String text = consumer.receiveBody(String.class, 5_000);
                    if (text == null) {
                        break;
                    }
                    received.add(text);
                }
            }
            subscriber.unsubscribe("prices");
        }
        return received;
    }
}
