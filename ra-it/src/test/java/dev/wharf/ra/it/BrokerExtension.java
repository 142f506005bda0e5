package dev.wharf.ra.it;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the test broker before Arquillian starts the server and deploys (so MDBs find it at
 * once), and stops it after the server has stopped: register it before the server's setup
 * extension and {@code ArquillianExtension} ({@link ResourceAdapterChecks} does).
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {

    static BrokerProcess broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dir = Path.of(System.getProperty("wharf.it.dir", "target/ra-it"));
        int port = Integer.getInteger("wharf.it.brokerPort", 61791);
        broker = new BrokerProcess(dir.resolve("broker-data"), port);
        broker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
