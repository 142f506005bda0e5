package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.journal.JournalException;
import dev.wharf.protocol.BodyType;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.ProtocolVersion;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.AckFrame;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.FlowFrame;
import dev.wharf.protocol.frame.ConnectedFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.CreateSessionFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.OkFrame;
import dev.wharf.protocol.frame.SendFrame;
import dev.wharf.protocol.ErrorCode;
import dev.wharf.server.internal.net.RawClient;
import dev.wharf.server.internal.security.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starting, stopping and restarting a real broker on the file journal. */
@Timeout(60)
class EmbeddedBrokerTest {

    private static final WireDestination Q = WireDestination.queue("durable-q");

    @TempDir
    Path data;

    private EmbeddedBroker start() {
        EmbeddedBroker b = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).build();
        b.start();
        return b;
    }

    private static void connect(RawClient c) throws InterruptedException {
        c.send(new Packet(1, new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT, null, null, null)));
        assertInstanceOf(ConnectedFrame.class, c.next().frame());
        c.send(new Packet(1, new FlowFrame(true)));
        assertInstanceOf(OkFrame.class, c.next().frame());
        c.send(new Packet(2, new CreateSessionFrame(1, 1)));
        assertInstanceOf(OkFrame.class, c.next().frame());
    }

    private static WireMessage message(String text) {
        return new WireMessage("ID:" + text, Q, null, null, null, WireMessage.PERSISTENT, 4, 1, 0, 0, null, null, null,
                BodyType.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void persistentMessagesSurviveARestartAndAcknowledgedOnesDoNot() throws Exception {
        try (EmbeddedBroker b = start(); RawClient c = new RawClient(b.port())) {
            connect(c);
            c.send(new Packet(3, new SendFrame(1, 1, message("one"))));
            assertInstanceOf(OkFrame.class, c.next().frame());
            c.send(new Packet(4, new SendFrame(1, 1, message("two"))));
            assertInstanceOf(OkFrame.class, c.next().frame());
            c.send(new Packet(5, new CreateConsumerFrame(1, 1, Q, null, false, SubscriptionKind.NONE, null, 1)));
            assertInstanceOf(OkFrame.class, c.next().frame());
            DeliverFrame d = assertInstanceOf(DeliverFrame.class, c.next().frame());
            c.send(new Packet(6, new AckFrame(1, new long[] {d.deliveryId()})));
            assertInstanceOf(OkFrame.class, c.next().frame());
        }
        try (EmbeddedBroker b = start(); RawClient c = new RawClient(b.port())) {
            connect(c);
            c.send(new Packet(3, new CreateConsumerFrame(1, 1, Q, null, false, SubscriptionKind.NONE, null, 10)));
            assertInstanceOf(OkFrame.class, c.next().frame());
            DeliverFrame d = assertInstanceOf(DeliverFrame.class, c.next().frame());
            assertEquals("two", new String(d.message().body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void jdbcStoreKeepsPersistentMessagesAcrossARestart() throws Exception {
        String url = "jdbc:h2:file:" + data.toAbsolutePath().resolve("db") + ";FILE_LOCK=FS";
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).jdbcUrl(url).build()) {
            b.start();
            try (RawClient c = new RawClient(b.port())) {
                connect(c);
                c.send(new Packet(3, new SendFrame(1, 1, message("kept"))));
                assertInstanceOf(OkFrame.class, c.next().frame());
            }
        }
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).jdbcUrl(url).build()) {
            b.start();
            try (RawClient c = new RawClient(b.port())) {
                connect(c);
                c.send(new Packet(3, new CreateConsumerFrame(1, 1, Q, null, false, SubscriptionKind.NONE, null, 10)));
                assertInstanceOf(OkFrame.class, c.next().frame());
                DeliverFrame d = assertInstanceOf(DeliverFrame.class, c.next().frame());
                assertEquals("kept", new String(d.message().body(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void brokerWhoseJdbcLeaseIsTakenStopsServingAtOnce() throws Exception {
        String url = "jdbc:h2:mem:lease-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        BrokerConfig config = BrokerConfig.defaults().withDataDirectory(data).withHost("localhost").withPort(0)
                .withJdbc(url, "sa", "").withJdbcLeaseTtlMillis(600);
        try (EmbeddedBroker b = EmbeddedBroker.builder().config(config).build()) {
            b.start();
            int port = b.port();
            try (RawClient c = new RawClient(port);
                 java.sql.Connection db = java.sql.DriverManager.getConnection(url, "sa", "")) {
                connect(c);
                // Another broker takes the lease (as it would after this one's renewals stalled).
                try (var st = db.createStatement()) {
                    st.executeUpdate("UPDATE WHARF_LEASE SET OWNER = 'other-broker', EXPIRES_AT = "
                            + (System.currentTimeMillis() + 3_600_000));
                }
                assertTrue(c.awaitClosed(), "the broker kept serving a client after losing its store");
                long deadline = System.currentTimeMillis() + 10_000;
                boolean refused = false;
                while (!refused && System.currentTimeMillis() < deadline) {
                    try (java.net.Socket s = new java.net.Socket("localhost", port)) {
                        Thread.sleep(100);
                    } catch (java.io.IOException e) {
                        refused = true;
                    }
                }
                assertTrue(refused, "the broker still accepts connections after losing its store");
            }
        }
    }

    @Test
    void secondBrokerOnTheSameDataDirectoryDoesNotStart() {
        try (EmbeddedBroker b = start()) {
            EmbeddedBroker second = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).build();
            assertThrows(JournalException.class, second::start);
            assertTrue(b.port() > 0);
        }
    }

    @Test
    void portInUseFailsTheStart() {
        try (EmbeddedBroker b = start()) {
            EmbeddedBroker second = EmbeddedBroker.builder().dataDirectory(data.resolve("other")).host("localhost")
                    .port(b.port()).build();
            assertThrows(RuntimeException.class, second::start);
        }
    }

    @Test
    void urlNamesLocalhostAndTheBoundPort() {
        try (EmbeddedBroker b = start()) {
            assertEquals("wharf://localhost:" + b.port(), b.url());
        }
    }

    @Test
    void usersFileTurnsAuthenticationOn() throws Exception {
        Path users = data.resolve("users.properties");
        Files.writeString(users, "app = " + PasswordHasher.hash("pw", 1000) + "\n");
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).usersFile(users).build()) {
            b.start();
            try (RawClient c = new RawClient(b.port())) {
                c.send(new Packet(1, new ConnectFrame(ConnectFrame.MAGIC, 1, "app", "bad", null)));
                assertEquals(ErrorCode.SECURITY, assertInstanceOf(ErrorFrame.class, c.next().frame()).code());
                assertTrue(c.awaitClosed());
            }
            try (RawClient c = new RawClient(b.port())) {
                c.send(new Packet(1, new ConnectFrame(ConnectFrame.MAGIC, 1, "app", "pw", null)));
                assertInstanceOf(ConnectedFrame.class, c.next().frame());
            }
        }
    }

    @Test
    void publishesItsRoleAndTakeoverTimeOverJmxWhileItServes() throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name;
        try (EmbeddedBroker live = EmbeddedBroker.builder().dataDirectory(data.resolve("live")).host("localhost").port(0).build()) {
            live.start();
            name = live.statusName();
            assertEquals("live", jmx.getAttribute(name, "Role"));
            assertEquals(true, jmx.getAttribute(name, "Live"));
            assertEquals(null, jmx.getAttribute(name, "LastTakeover"));
            assertEquals(live.port(), jmx.getAttribute(name, "Port"));
        }
        assertTrue(!jmx.isRegistered(name), "a closed broker is no longer published");
        BrokerConfig backupConfig = BrokerConfig.defaults().withDataDirectory(data.resolve("backup")).withHost("localhost")
                .withPort(0).withRole(BrokerConfig.Role.BACKUP);
        try (EmbeddedBroker backup = EmbeddedBroker.of(backupConfig)) {
            backup.start(); // nobody holds the store: it takes over at once
            assertEquals("backup", jmx.getAttribute(backup.statusName(), "Role"));
            assertEquals(backup.liveSince().toString(), jmx.getAttribute(backup.statusName(), "LastTakeover"));
        }
    }
}
