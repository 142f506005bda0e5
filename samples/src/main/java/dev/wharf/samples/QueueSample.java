package dev.wharf.samples;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import java.util.ArrayList;
import java.util.List;

/**
 * Point-to-point: a producer sends persistent messages to a queue, a consumer receives them
 * in order. Run against a broker started with {@code ./wharf}.
 */
public final class QueueSample {

    public static void main(String[] args) {
        List<String> received = run(SampleSupport.connectionFactory(args), "samples.orders", 5);
        received.forEach(text -> System.out.println("received: " + text));
    }

    /** Sends {@code count} orders and returns what the consumer received. */
    public static List<String> run(ConnectionFactory cf, String queueName, int count) {
        try (JMSContext context = cf.createContext()) {
            Queue queue = context.createQueue(queueName);
            for (int i = 1; i <= count; i++) {
                context.createProducer()
                        .setDeliveryMode(DeliveryMode.PERSISTENT)
                        .setProperty("orderNumber", i)
                        .send(queue, "order " + i);
            }
            List<String> received = new ArrayList<>();
            try (JMSConsumer consumer = context.createConsumer(queue)) {
                for (int i = 0; i < count; i++) {
                    String text = consumer.receiveBody(String.class, 5_000);
                    if (text == null) {
                        break;
                    }
                    received.add(text);
                }
            }
            return received;
        }
    }
}
