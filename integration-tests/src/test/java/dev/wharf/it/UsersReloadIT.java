package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import dev.wharf.server.SecuritySettings.Permission;
import dev.wharf.server.internal.security.PasswordHasher;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The users and roles files are read again when they change, through the JMS API: users come
 * and go, passwords and roles change, without a restart of the broker.
 */
@Timeout(90)
class UsersReloadIT {

    /** The broker checks every 2 s and takes a change that stayed for a check: allow for slow machines. */
    private static final long RELOAD_WAIT_MILLIS = 20_000;

    @TempDir
    Path dir;

    private String pw;
    private Path users;
    private Path roles;
    private EmbeddedBroker broker;
    private WharfConnectionFactory cf;

    @BeforeEach
    void start() throws Exception {
        pw = PasswordHasher.hash("pw", 1000);
        users = Files.writeString(dir.resolve("users.properties"), "alice = " + pw + "\nbob = " + pw + "\n");
        roles = Files.writeString(dir.resolve("roles.properties"), "shop = alice\nevents = bob\n");
        broker = EmbeddedBroker.builder().dataDirectory(dir.resolve("data")).host("localhost").port(0)
                .usersFile(users).rolesFile(roles)
                .permission("orders.#", Permission.SEND, "shop")
                .permission("orders.#", Permission.CONSUME, "shop")
                .permission("events.#", Permission.SEND, "events")
                .build();
        broker.start();
        cf = new WharfConnectionFactory(broker.url());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    /** An open, started connection and what its ExceptionListener was told. */
    private record Watched(Connection connection, CompletableFuture<JMSException> told, AtomicInteger calls)
            implements AutoCloseable {
        @Override
        public void close() throws JMSException {
            connection.close();
        }
    }

    private static Watched connect(WharfConnectionFactory f, String user) throws JMSException {
        Connection c = f.createConnection(user, "pw");
        CompletableFuture<JMSException> told = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        c.setExceptionListener(e -> {
            calls.incrementAndGet();
            told.complete(e);
        });
        c.start();
        return new Watched(c, told, calls);
    }

    /** A factory whose connections fail over: they try again for a minute after losing the broker. */
    private WharfConnectionFactory failingOver() {
        return new WharfConnectionFactory(broker.url() + "?reconnectAttempts=-1&reconnectInterval=50&reconnectTimeout=60000");
    }

    /** Waits until {@code user} can (or, with {@code canLogIn} false, cannot) log in with {@code password}. */
    private void awaitLogin(String user, String password, boolean canLogIn) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RELOAD_WAIT_MILLIS);
        while (true) {
            boolean in;
            try (Connection c = cf.createConnection(user, password)) {
                in = true;
            } catch (JMSSecurityException e) {
                in = false;
            }
            if (in == canLogIn) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the broker did not take the changed users file: " + user
                    + (canLogIn ? " still cannot" : " can still") + " log in");
            Thread.sleep(100);
        }
    }

    @Test
    void aUserAddedToTheUsersFileLogsInWithoutARestart() throws Exception {
        assertThrows(JMSSecurityException.class, () -> cf.createConnection("dave", "pw"));
        Files.writeString(users, "alice = " + pw + "\nbob = " + pw + "\ndave = " + pw + "\n");
        awaitLogin("dave", "pw", true);
        try (Connection alice = cf.createConnection("alice", "pw")) {
            alice.start();
        }
    }

    @Test
    void aRemovedUsersOpenConnectionIsClosedWithJMSSecurityExceptionAndTheOthersStay() throws Exception {
        try (Watched bob = connect(cf, "bob"); Watched alice = connect(cf, "alice")) {
            Session aliceSession = alice.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = aliceSession.createProducer(aliceSession.createQueue("orders.eu"));

            Files.writeString(roles, "shop = alice\n");
            Files.writeString(users, "alice = " + pw + "\n");
            JMSException e = bob.told().get(RELOAD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertInstanceOf(JMSSecurityException.class, e);
            assertTrue(e.getMessage().contains("user 'bob' was removed from the broker's users file"), e.getMessage());
            assertThrows(JMSException.class, () -> bob.connection().createSession(false, Session.AUTO_ACKNOWLEDGE),
                    "bob's connection still works");
            assertThrows(JMSSecurityException.class, () -> cf.createConnection("bob", "pw"));
            Thread.sleep(300); // for a second call, had there been one
            assertEquals(1, bob.calls().get(), "the ExceptionListener heard of one closed connection more than once");

            producer.send(aliceSession.createTextMessage("alice is still here"));
            assertEquals(1, broker.queueStats("orders.eu").waiting());
        }
    }

    @Test
    void aClientThatFailsOverDoesNotReconnectWithCredentialsTheBrokerDropped() throws Exception {
        try (Watched bob = connect(failingOver(), "bob")) {
            Session s = bob.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("events.audit"));
            producer.send(s.createTextMessage("before"));

            Files.writeString(roles, "shop = alice\n");
            Files.writeString(users, "alice = " + pw + "\n");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RELOAD_WAIT_MILLIS);
            JMSException refused = null;
            while (refused == null) {
                try {
                    producer.send(s.createTextMessage("until refused"));
                    assertTrue(System.nanoTime() < deadline, "bob's connection was not closed");
                    Thread.sleep(50);
                } catch (JMSException e) {
                    refused = e;
                }
            }
            // Well before the 60 s of reconnectTimeout: trying again with the old password would not help.
            assertTrue(System.nanoTime() < deadline, "the send waited for a reconnect that could not succeed");
            JMSException next = assertThrows(JMSException.class, () -> producer.send(s.createTextMessage("after")));
            assertTrue(next.getMessage().contains("user 'bob' was removed"), next.getMessage());
            JMSException told = bob.told().get(10, TimeUnit.SECONDS);
            assertInstanceOf(JMSSecurityException.class, told);
            assertTrue(told.getMessage().contains("user 'bob' was removed"), told.getMessage());
        }
    }

    @Test
    void aClientFailingOverToABrokerThatRefusesItsCredentialsGivesUpAtOnce() throws Exception {
        try (Watched bob = connect(failingOver(), "bob")) {
            int port = broker.port();
            broker.close();
            Path otherUsers = Files.writeString(dir.resolve("other-users.properties"), "alice = " + pw + "\n");
            broker = EmbeddedBroker.builder().dataDirectory(dir.resolve("data")).host("localhost").port(port)
                    .usersFile(otherUsers).build();
            broker.start();

            JMSException e = bob.told().get(RELOAD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertInstanceOf(JMSSecurityException.class, e);
            assertTrue(e.getMessage().contains("reconnecting was refused"), e.getMessage());
            assertTrue(e.getMessage().contains("bob"), e.getMessage());
        }
    }

    @Test
    void aNewPasswordClosesTheConnectionsOpenedWithTheOldOne() throws Exception {
        try (Watched alice = connect(cf, "alice")) {
            Files.writeString(users, "alice = " + PasswordHasher.hash("new", 1000) + "\nbob = " + pw + "\n");
            JMSException e = alice.told().get(RELOAD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertInstanceOf(JMSSecurityException.class, e);
            assertTrue(e.getMessage().contains("user 'alice' has a new password"), e.getMessage());
            awaitLogin("alice", "new", true);
            assertThrows(JMSSecurityException.class, () -> cf.createConnection("alice", "pw"));
        }
    }

    @Test
    void aRoleGivenOrTakenInTheRolesFileAppliesToOpenConnections() throws Exception {
        try (Connection bob = cf.createConnection("bob", "pw"); Connection alice = cf.createConnection("alice", "pw")) {
            bob.start();
            alice.start();
            Session bobSession = bob.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue orders = bobSession.createQueue("orders.eu");
            assertThrows(JMSSecurityException.class, () -> bobSession.createProducer(orders));
            Session aliceSession = alice.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer aliceProducer = aliceSession.createProducer(orders);

            Files.writeString(roles, "shop = bob\n");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RELOAD_WAIT_MILLIS);
            MessageProducer bobProducer = null;
            while (bobProducer == null) {
                try {
                    bobProducer = bobSession.createProducer(orders);
                } catch (JMSSecurityException e) {
                    assertTrue(System.nanoTime() < deadline, "bob's open connection did not get the role: " + e.getMessage());
                    Thread.sleep(100);
                }
            }
            bobProducer.send(bobSession.createTextMessage("from bob"));
            JMSSecurityException refused = assertThrows(JMSSecurityException.class,
                    () -> aliceProducer.send(aliceSession.createTextMessage("from alice")));
            assertTrue(refused.getMessage().contains("user 'alice' may not send to queue:orders.eu"), refused.getMessage());

            TextMessage got = (TextMessage) bobSession.createConsumer(orders).receive(10_000);
            assertEquals("from bob", got.getText());
        }
    }

    @Test
    void aBrokenUsersFileLeavesTheUsersAsTheyWere() throws Exception {
        try (Watched alice = connect(cf, "alice")) {
            Files.writeString(users, "alice = secret\nbob = " + pw + "\ndave = " + pw + "\n");
            Files.writeString(roles, "shop = alice, dave\n");
            // Give the broker two checks and some more to (wrongly) take it.
            Thread.sleep(6_000);
            try (Connection again = cf.createConnection("alice", "pw")) {
                again.start();
            }
            assertThrows(JMSSecurityException.class, () -> cf.createConnection("dave", "pw"));
            assertTrue(!alice.told().isDone(), "alice's connection was closed: " + alice.told().getNow(null));
            Session s = alice.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("orders.eu")).send(s.createTextMessage("still a shop"));

            Files.writeString(users, "alice = " + pw + "\nbob = " + pw + "\ndave = " + pw + "\n");
            awaitLogin("dave", "pw", true);
        }
    }
}
