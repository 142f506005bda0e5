package dev.wharf.it;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.Connection;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker per test with settings of the test class's choosing ({@link #configure}), on an
 * ephemeral port with a file journal in a temporary directory, and one started connection to it.
 * {@link #restartBroker()} restarts it on the same data, as a user would after a shutdown.
 */
@Timeout(60)
abstract class ConfiguredBrokerTestSupport {

    @TempDir
    Path data;
    EmbeddedBroker broker;
    WharfConnectionFactory factory;
    /** A started connection to {@link #broker}, closed after the test. */
    Connection connection;

    /** Adds the test class's settings to a builder that already has the data directory and port. */
    abstract EmbeddedBroker.Builder configure(EmbeddedBroker.Builder builder);

    @BeforeEach
    void startBroker() throws Exception {
        broker = configure(EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0)).build();
        broker.start();
        factory = new WharfConnectionFactory(broker.url());
        connection = factory.createConnection();
        connection.start();
    }

    @AfterEach
    void stopBroker() throws Exception {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** Closes the connection and the broker, starts the broker again on the same data, reconnects. */
    void restartBroker() throws Exception {
        stopBroker();
        startBroker();
    }
}
