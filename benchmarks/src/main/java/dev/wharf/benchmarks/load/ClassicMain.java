package dev.wharf.benchmarks.load;

import java.nio.file.Path;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;

/**
 * Starts an ActiveMQ Classic broker for the load tool, in its own JVM: KahaDB persistence under
 * the data directory with its defaults (a disk sync per journal write batch), one TCP connector,
 * no JMX, advisory topics on (its temporary queues need them), security off. Prints
 * {@value #READY} once it accepts connections.
 *
 * <p>Usage: {@code ClassicMain <port> <data dir>}
 */
public final class ClassicMain {

    static final String READY = "activemq classic broker ready";

    private ClassicMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        BrokerService broker = new BrokerService();
        broker.setBrokerName("load");
        broker.setUseJmx(false);
        broker.setPersistent(true);
        broker.setDataDirectory(data.toString());
        KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
        kahaDb.setDirectory(data.resolve("kahadb").toFile());
        broker.setPersistenceAdapter(kahaDb);
        broker.addConnector("tcp://localhost:" + port);
        broker.start();
        broker.waitUntilStarted();
        PeerMainSupport.serveUntilKilled(broker::stop, READY);
    }
}
