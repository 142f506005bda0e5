package dev.wharf.it;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real broker per test class, on an ephemeral port over TCP, with a file journal in a
 * temporary directory; connections opened through {@link #connect()} are closed after each test.
 * Destination names are unique per test through {@link #unique(String)}.
 */
@Timeout(60)
abstract class BrokerTestSupport {

    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path dataDir;
    static EmbeddedBroker broker;
    static WharfConnectionFactory factory;
    private final List<Connection> connections = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.builder().dataDirectory(dataDir).host("localhost").port(0).build();
        broker.start();
        factory = new WharfConnectionFactory(broker.url());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @AfterEach
    void closeConnections() throws JMSException {
        for (Connection c : connections) {
            c.close();
        }
        connections.clear();
    }

    /** A started connection, closed after the test. */
    Connection connect() throws JMSException {
        Connection c = factory.createConnection();
        connections.add(c);
        c.start();
        return c;
    }

    static String unique(String base) {
        return base + "." + NAMES.incrementAndGet() + "." + System.nanoTime();
    }
}
