package dev.wharf.ra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.ra.it.app.OrderService;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checks every server runs against the resource adapter: a subclass per server installs the
 * adapter (its pooled XA connection factory {@code jms/wharf} and the queue admin object
 * {@code jms/orders}) before the server starts, deploys {@link #app()} with its own descriptors,
 * and says how in-doubt transactions get recovered. The checks talk to the broker directly with
 * the Wharf client and to the application over HTTP.
 *
 * <p>A subclass registers its setup extension and then {@code ArquillianExtension} after the
 * {@link BrokerExtension} declared here, so the broker runs before the server starts and deploys.
 * Not thread-safe; JUnit runs the checks one after another in {@code @Order}.
 */
@ExtendWith(BrokerExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class ResourceAdapterChecks {

    @ArquillianResource
    private URL base;

    private Connection connection;

    /**
     * The test application (an EJB sender, three MDBs, a servlet), without server-specific
     * descriptors: the subclass's {@code @Deployment} adds those.
     */
    static WebArchive app() {
        return ShrinkWrap.create(WebArchive.class, "wharf-it-app.war").addPackage(OrderService.class.getPackage());
    }

    /**
     * Called once, about 30 s into the wait, if the in-doubt transaction of
     * {@link #brokerKilledBetweenPrepareAndCommitRecoversTheTransactionExactlyOnce} has not been
     * committed yet: asks the server to recover it, where the server needs asking.
     */
    protected abstract void recoverInDoubtTransactions() throws Exception;

    private Connection connection() throws JMSException {
        if (connection == null) {
            connection = new WharfConnectionFactory(BrokerExtension.broker.url()).createConnection();
            connection.start();
        }
        return connection;
    }

    @AfterEach
    void closeConnection() throws JMSException {
        if (connection != null) {
            try {
                connection.close();
            } finally {
                connection = null;
            }
        }
    }

    private String call(String mode, String queue, String text, boolean rollback, String marker) throws IOException {
        String q = "mode=" + mode + "&queue=" + enc(queue) + "&text=" + enc(text) + "&rollback=" + rollback
                + (marker == null ? "" : "&marker=" + enc(marker));
        HttpURLConnection http = (HttpURLConnection) URI.create(base.toString() + "send?" + q).toURL().openConnection();
        http.setConnectTimeout(10_000);
        http.setReadTimeout(120_000);
        int status = http.getResponseCode();
        try (InputStream in = status < 400 ? http.getInputStream() : http.getErrorStream()) {
            return status + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void send(String queue, String... texts) throws JMSException {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(queue.startsWith("topic:") ? s.createTopic(queue.substring(6)) : s.createQueue(queue));
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
        s.close();
    }

    /** Receives until {@code quietMillis} pass without a message, or {@code max} arrived; the first waits up to {@code firstMillis}. */
    private List<Message> drain(String queue, long firstMillis, long quietMillis, int max) throws JMSException {
        Session s = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        List<Message> out = new ArrayList<>();
        try (MessageConsumer c = s.createConsumer(s.createQueue(queue))) {
            Message m = c.receive(firstMillis);
            while (m != null) {
                out.add(m);
                if (out.size() >= max) {
                    break;
                }
                m = c.receive(quietMillis);
            }
        } finally {
            s.close();
        }
        return out;
    }

    private static String text(Message m) {
        try {
            return ((TextMessage) m).getText();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for exactly {@code expected} (each once) on {@code queue}; fails on anything else. */
    private List<Message> expectExactlyOnce(String queue, List<String> expected, long withinMillis) throws JMSException {
        long deadline = System.currentTimeMillis() + withinMillis;
        List<Message> got = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        while (counts.size() < expected.size() && System.currentTimeMillis() < deadline) {
            for (Message m : drain(queue, 1000, 500, expected.size())) {
                got.add(m);
                counts.merge(text(m), 1, Integer::sum);
            }
        }
        // Anything late would be a duplicate.
        for (Message m : drain(queue, 1500, 500, 100)) {
            got.add(m);
            counts.merge(text(m), 1, Integer::sum);
        }
        Map<String, Integer> want = new HashMap<>();
        expected.forEach(t -> want.put(t, 1));
        assertEquals(want, counts, "messages on " + queue + " (text -> copies)");
        return got;
    }

    @Test
    @Order(1)
    void sendsInCommittedTransactionsArriveOnceAndRolledBackOnesNever() throws Exception {
        for (String mode : List.of("cf", "context", "inject")) {
            assertEquals("200 sent", call(mode, "it.sent", mode + " rolled back", true, null));
            assertEquals("200 sent", call(mode, "it.sent", mode + " committed", false, null));
        }
        expectExactlyOnce("it.sent", List.of("cf committed", "context committed", "inject committed"), 20_000);
    }

    @Test
    @Order(2)
    void mdbConsumesTheQueueWithSeveralSessionsEachMessageOnce() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            texts.add("order " + i);
        }
        send("it.orders", texts.toArray(new String[0]));
        List<Message> done = expectExactlyOnce("it.orders.done", texts, 60_000);
        int maxRunning = 0;
        for (Message m : done) {
            maxRunning = Math.max(maxRunning, m.getIntProperty("maxRunning"));
        }
        assertTrue(maxRunning > 1, "deliveries running at once: " + maxRunning + " (maxSession=4)");
        assertTrue(maxRunning <= 4, "deliveries running at once: " + maxRunning + " (maxSession=4)");
    }

    @Test
    @Order(3)
    void messageSentByTheApplicationReachesTheMdbThroughTheAdminObject() throws Exception {
        assertEquals("200 sent", call("cf", "jms/orders", "via admin object", false, null));
        assertEquals("200 sent", call("cf", "jms/orders", "rolled back via admin object", true, null));
        expectExactlyOnce("it.orders.done", List.of("via admin object"), 30_000);
    }

    @Test
    @Order(4)
    void mdbTransactionRolledBackRedeliversTheMessage() throws Exception {
        send("it.orders", "rollback-once:1");
        List<Message> done = expectExactlyOnce("it.orders.done", List.of("rollback-once:1"), 30_000);
        assertTrue(done.get(0).getBooleanProperty("wasRedelivered"), "the committed delivery was a redelivery");
    }

    @Test
    @Order(5)
    void mdbThatAlwaysThrowsSendsTheMessageToTheDeadLetterQueue() throws Exception {
        send("it.orders", "poison:1");
        List<Message> dead = drain("DLQ", 90_000, 500, 10);
        assertEquals(1, dead.size(), "dead-lettered copies");
        assertEquals("poison:1", text(dead.get(0)));
        assertTrue(drain("it.orders.done", 500, 200, 10).isEmpty(), "never processed");
    }

    @Test
    @Order(6)
    void mdbOnASharedDurableTopicSubscriptionGetsEachMessageOnce() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            texts.add("price " + i);
        }
        send("topic:it.prices", texts.toArray(new String[0]));
        expectExactlyOnce("it.prices.done", texts, 60_000);
    }

    @Test
    @Order(7)
    void mdbWithoutTransactionThatThrowsGetsTheMessageAgain() throws Exception {
        send("it.mail", "mail 1", "mail 2");
        expectExactlyOnce("it.mail.done", List.of("mail 1", "mail 2"), 60_000);
    }

    @Test
    @Order(8)
    void brokerKilledBetweenPrepareAndCommitRecoversTheTransactionExactlyOnce() throws Exception {
        Path marker = Path.of(System.getProperty("wharf.it.dir", "target/ra-it"), "indoubt-" + System.nanoTime());
        closeConnection();
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return call("indoubt", "it.indoubt", "in doubt", false, marker.toString());
            } catch (IOException e) {
                return "io: " + e;
            }
        });
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(marker.resolve("prepared"))) {
            assertTrue(System.currentTimeMillis() < deadline, "the transaction never reached prepare: " + answerNow(answer));
            Thread.sleep(50);
        }
        // Wharf's branch is prepared (it was enlisted first); the commit has not begun.
        BrokerExtension.broker.kill();
        Files.writeString(marker.resolve("go"), "go");
        String result = answer.get(150, TimeUnit.SECONDS);
        System.out.println("in-doubt transaction, answer of the application: " + result);
        BrokerExtension.broker.start();

        // The transaction manager finishes the commit: by retrying it, or in its recovery scan.
        List<Message> got = new ArrayList<>();
        long until = System.currentTimeMillis() + 120_000;
        boolean asked = false;
        while (got.isEmpty() && System.currentTimeMillis() < until) {
            got.addAll(drain("it.indoubt", 2000, 500, 10));
            if (got.isEmpty() && !asked && System.currentTimeMillis() > until - 90_000) {
                asked = true;
                recoverInDoubtTransactions();
            }
        }
        got.addAll(drain("it.indoubt", 2000, 500, 10));
        assertEquals(List.of("in doubt"), got.stream().map(ResourceAdapterChecks::text).toList(), "after the restart, exactly once");

        // The MDB reconnected too.
        send("it.orders", "after restart");
        expectExactlyOnce("it.orders.done", List.of("after restart"), 60_000);
    }

    private static String answerNow(CompletableFuture<String> f) {
        return f.isDone() ? f.join() : "(still running)";
    }
}
