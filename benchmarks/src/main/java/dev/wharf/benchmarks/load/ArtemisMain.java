package dev.wharf.benchmarks.load;

import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * Starts an ActiveMQ Artemis broker for the load tool, in its own JVM: persistence on, its
 * journal, bindings, paging and large messages under the data directory, one TCP acceptor,
 * security off, journal settings left at Artemis's defaults unless {@code --tuned} (journal
 * buffer timeout 250 µs). Prints {@value #READY} once it accepts connections.
 *
 * <p>Usage: {@code ArtemisMain <port> <data dir> [--tuned]}
 */
public final class ArtemisMain {

    static final String READY = "artemis broker ready";

    private ArtemisMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        boolean tuned = args.length > 2 && args[2].equals("--tuned");
        Configuration c = new ConfigurationImpl();
        c.setPersistenceEnabled(true);
        c.setSecurityEnabled(false);
        c.setJournalDirectory(data.resolve("journal").toString());
        c.setBindingsDirectory(data.resolve("bindings").toString());
        c.setPagingDirectory(data.resolve("paging").toString());
        c.setLargeMessagesDirectory(data.resolve("large-messages").toString());
        c.addAcceptorConfiguration("tcp", "tcp://localhost:" + port);
        if (tuned) {
            c.setJournalBufferTimeout_NIO(250_000);
            c.setJournalBufferTimeout_AIO(250_000);
        }
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(c);
        server.start();
        PeerMainSupport.serveUntilKilled(server::stop, READY);
    }
}
