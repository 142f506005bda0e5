package dev.wharf.samples;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A client riding through a failover. Start the pair from {@code samples/failover/}
 * ({@code ./wharf --config samples/failover/live.properties}, then the same with
 * {@code backup.properties}), run this, and kill the live broker ({@code kill -9}) while it
 * runs: the client reconnects to the backup once it has taken over and goes on, every payment
 * sent once and received once (a message received but not acknowledged before the failover may
 * come again, marked redelivered).
 */
public final class FailoverSample {

    /** Both brokers of the pair, and reconnecting turned on. */
    public static final String PAIR_URL = "wharf://localhost:61700,localhost:61701"
            + "?reconnectAttempts=-1&reconnectInterval=200&reconnectMaxInterval=1000&reconnectTimeout=120000";

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : System.getProperty("wharf.url", PAIR_URL);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        List<String> received = run(new WharfConnectionFactory(url), "samples.payments", count, 200);
        System.out.println("received " + received.size() + " of " + count + " payments");
    }

    /**
     * Sends {@code count} payments one by one, {@code pauseMillis} apart, receiving each with a
     * CLIENT_ACKNOWLEDGE consumer; returns the payments received, in order, each once.
     */
    public static List<String> run(ConnectionFactory cf, String queueName, int count, long pauseMillis)
            throws JMSException, InterruptedException {
        List<String> received = new ArrayList<>();
        try (Connection connection = cf.createConnection()) {
            connection.setExceptionListener(e -> System.err.println("gave up on the pair: " + e.getMessage()));
            connection.start();
            Session session = connection.createSession(Session.CLIENT_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queueName));
            MessageConsumer consumer = session.createConsumer(session.createQueue(queueName));
            for (int i = 1; i <= count; i++) {
                // A send cut off by the failover is resent by the client; the new broker keeps one copy.
                producer.send(session.createTextMessage("payment " + i));
                while (received.size() < i) {
                    Message m = consumer.receive(30_000);
                    if (m == null) {
                        throw new IllegalStateException("payment " + i + " did not arrive");
                    }
                    String text = ((TextMessage) m).getText();
                    if (!received.contains(text)) {
                        received.add(text);
                        System.out.println("received " + text + (m.getJMSRedelivered() ? " (redelivered)" : ""));
                    }
                    try {
                        m.acknowledge();
                    } catch (JMSException e) {
                        // Acknowledged before the failover's cut: it may come again, marked redelivered.
                        System.out.println("acknowledgement lost in a failover: " + e.getMessage());
                    }
                }
                Thread.sleep(pauseMillis);
            }
        }
        return received;
    }
}
