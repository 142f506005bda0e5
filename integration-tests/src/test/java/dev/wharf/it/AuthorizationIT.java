package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.ConfigException;
import dev.wharf.server.EmbeddedBroker;
import dev.wharf.server.SecuritySettings.Permission;
import dev.wharf.server.internal.security.PasswordHasher;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TransactionRolledBackException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roles and per-address permissions, through the JMS API: alice may send orders and events,
 * bob may read and browse them and create durable subscriptions to events, admin may delete
 * those subscriptions, and carol has no role at all.
 */
@Timeout(60)
class AuthorizationIT {

    private static final String PASSWORD = "pw";

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private WharfConnectionFactory cf;

    @BeforeEach
    void start() throws Exception {
        String hash = PasswordHasher.hash(PASSWORD, 1000);
        Path users = Files.writeString(dir.resolve("users.properties"),
                "alice = " + hash + "\nbob = " + hash + "\ncarol = " + hash + "\nadmin = " + hash + "\n");
        Path roles = Files.writeString(dir.resolve("roles.properties"), "shop = alice\naudit = bob\nadmin = admin\n");
        broker = EmbeddedBroker.builder().dataDirectory(dir.resolve("data")).host("localhost").port(0)
                .usersFile(users).rolesFile(roles)
                .permission("orders.#", Permission.SEND, "shop")
                .permission("orders.#", Permission.CONSUME, "audit")
                .permission("orders.#", Permission.BROWSE, "audit")
                .permission("events.#", Permission.SEND, "shop")
                .permission("events.#", Permission.CONSUME, "audit")
                .permission("events.#", Permission.CREATE_DURABLE_QUEUE, "audit")
                .permission("events.#", Permission.DELETE_DURABLE_QUEUE, "admin")
                .build();
        broker.start();
        cf = new WharfConnectionFactory(broker.url());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private Connection connect(String user) throws Exception {
        Connection c = cf.createConnection(user, PASSWORD);
        c.start();
        return c;
    }

    @Test
    void sendWithoutTheSendRoleIsRefusedWithJMSSecurityExceptionAndNothingArrives() throws Exception {
        try (Connection carol = connect("carol"); Connection alice = connect("alice"); Connection bob = connect("bob")) {
            Session s = carol.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("orders.eu");
            JMSSecurityException e = assertThrows(JMSSecurityException.class, () -> s.createProducer(q));
            assertTrue(e.getMessage().contains("user 'carol' may not send to queue:orders.eu"), e.getMessage());
            assertTrue(e.getMessage().contains("security.orders.#.send allows only the roles [shop]"), e.getMessage());
            assertThrows(JMSSecurityException.class, () -> s.createProducer(s.createQueue("orders.nobody")));
            assertThrows(JMSSecurityException.class, () -> s.createConsumer(s.createQueue("orders.nobody")));
            assertNull(broker.queueStats("orders.nobody"), "a refused user's producer or consumer created the queue");

            MessageProducer anonymous = s.createProducer(null);
            assertThrows(JMSSecurityException.class, () -> anonymous.send(q, s.createTextMessage("sync")));
            CompletableFuture<Exception> failed = new CompletableFuture<>();
            anonymous.send(q, s.createTextMessage("async"), new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    failed.complete(null);
                }

                @Override
                public void onException(Message message, Exception exception) {
                    failed.complete(exception);
                }
            });
            assertInstanceOf(JMSSecurityException.class, failed.get(10, TimeUnit.SECONDS));

            // A non-persistent send does not wait for the broker: its refusal reaches the ExceptionListener.
            CompletableFuture<Exception> reported = new CompletableFuture<>();
            carol.setExceptionListener(reported::complete);
            anonymous.send(q, s.createTextMessage("non-persistent"), DeliveryMode.NON_PERSISTENT, 4, 0);
            Exception refusal = reported.get(10, TimeUnit.SECONDS);
            assertInstanceOf(JMSSecurityException.class, refusal);
            assertTrue(refusal.getMessage().contains("may not send to queue:orders.eu"), refusal.getMessage());

            Session tx = carol.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer txProducer = tx.createProducer(null);
            // Staged without a round trip: the commit finds the refusal and rolls the transaction back.
            txProducer.send(q, tx.createTextMessage("transacted"));
            TransactionRolledBackException rolledBack = assertThrows(TransactionRolledBackException.class, tx::commit);
            assertInstanceOf(JMSSecurityException.class, rolledBack.getLinkedException());

            try (JMSContext context = cf.createContext("carol", PASSWORD)) {
                assertThrows(JMSSecurityRuntimeException.class,
                        () -> context.createProducer().send(context.createQueue("orders.eu"), "context"));
            }

            Session a = alice.createSession(false, Session.AUTO_ACKNOWLEDGE);
            a.createProducer(q).send(a.createTextMessage("allowed"));
            MessageConsumer reader = bob.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q);
            assertEquals("allowed", ((TextMessage) reader.receive(5000)).getText());
            assertNull(reader.receive(300), "a refused send arrived");
        }
    }

    @Test
    void consumingAndBrowsingNeedTheirRoles() throws Exception {
        try (Connection alice = connect("alice"); Connection bob = connect("bob")) {
            Session a = alice.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = a.createQueue("orders.us");
            a.createProducer(q).send(a.createTextMessage("one"));
            JMSSecurityException e = assertThrows(JMSSecurityException.class, () -> a.createConsumer(q));
            assertTrue(e.getMessage().contains("user 'alice' may not consume from queue:orders.us"), e.getMessage());
            e = assertThrows(JMSSecurityException.class, () -> a.createBrowser(q).getEnumeration());
            assertTrue(e.getMessage().contains("may not browse queue:orders.us"), e.getMessage());

            Session b = bob.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = b.createBrowser(q);
            assertEquals(1, Collections.list(browser.getEnumeration()).size());
            assertEquals("one", ((TextMessage) b.createConsumer(q).receive(5000)).getText());
            assertThrows(JMSSecurityException.class, () -> b.createProducer(q));
        }
    }

    @Test
    void durableSubscriptionsNeedTheRolesToCreateAndToDeleteThem() throws Exception {
        try (Connection bob = cf.createConnection("bob", PASSWORD); Connection carol = connect("carol")) {
            bob.setClientID("audit-1");
            Session b = bob.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = b.createTopic("events.shipped");
            b.createDurableSubscriber(t, "trail").close();
            b.createSharedDurableConsumer(t, "shared-trail").close();
            JMSSecurityException e = assertThrows(JMSSecurityException.class, () -> b.unsubscribe("trail"));
            assertTrue(e.getMessage().contains("may not delete a durable subscription of topic:events.shipped"),
                    e.getMessage());
            // Redefining it (another selector) deletes it too.
            assertThrows(JMSSecurityException.class, () -> b.createDurableSubscriber(t, "trail", "kind = 'x'", false));

            Session c = carol.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThrows(JMSSecurityException.class, () -> c.createSharedDurableConsumer(t, "carols"));
            assertThrows(JMSSecurityException.class, () -> c.createConsumer(t));
        }
        try (Connection admin = cf.createConnection("admin", PASSWORD)) {
            admin.setClientID("audit-1");
            admin.createSession(false, Session.AUTO_ACKNOWLEDGE).unsubscribe("trail");
        }
        try (Connection bob = cf.createConnection("bob", PASSWORD)) {
            bob.setClientID("audit-1");
            Session b = bob.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // Gone: bob creates it again, which he may.
            b.createDurableSubscriber(b.createTopic("events.shipped"), "trail").close();
        }
    }

    @Test
    void largeMessageWithoutTheSendRoleIsRefusedAndItsBodyIsNotKept() throws Exception {
        try (Connection carol = connect("carol")) {
            Session s = carol.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(null);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(new byte[300 * 1024]);
            m.setJMSDeliveryMode(DeliveryMode.PERSISTENT);
            assertThrows(JMSSecurityException.class, () -> p.send(s.createQueue("orders.big"), m));
        }
        Path large = dir.resolve("data").resolve("large");
        if (Files.isDirectory(large)) {
            try (Stream<Path> files = Files.walk(large)) {
                assertEquals(0, files.filter(Files::isRegularFile).count(), "the refused body was kept");
            }
        }
    }

    @Test
    void temporaryQueuesNeedNoRole() throws Exception {
        try (Connection carol = connect("carol")) {
            Session s = carol.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = s.createTemporaryQueue();
            s.createProducer(replies).send(s.createTextMessage("reply"));
            TextMessage got = (TextMessage) s.createConsumer(replies).receive(5000);
            assertNotNull(got);
            assertEquals("reply", got.getText());
        }
    }

    @Test
    void securitySettingsWithoutAUsersFileStopTheBrokerFromStarting() {
        EmbeddedBroker b = EmbeddedBroker.builder().dataDirectory(dir.resolve("other")).host("localhost").port(0)
                .permission("#", Permission.SEND, "shop").build();
        ConfigException e = assertThrows(ConfigException.class, b::start);
        assertTrue(e.getMessage().contains("no users file"), e.getMessage());
        b.close();
    }
}
