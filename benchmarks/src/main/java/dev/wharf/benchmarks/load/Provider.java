package dev.wharf.benchmarks.load;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.ConnectionFactory;
import java.nio.file.Path;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** A JMS provider the load tool can start as a broker in its own JVM and connect to. */
enum Provider {
    WHARF("wharf"),
    ARTEMIS("artemis"),
    /** Artemis with its journal buffer timeout at 250 µs instead of its default. */
    ARTEMIS_TUNED("artemis-tuned"),
    /** ActiveMQ Classic 6 with KahaDB and its defaults. */
    CLASSIC("activemq-classic");

    final String label;

    Provider(String label) {
        this.label = label;
    }

    static Provider byLabel(String label) {
        for (Provider p : values()) {
            if (p.label.equalsIgnoreCase(label.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown provider '" + label + "' (expected: wharf, artemis, artemis-tuned, activemq-classic)");
    }

    /** A started broker and a factory for connections to it. */
    record Running(BrokerProcess broker, ConnectionFactory factory) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            broker.close();
        }
    }

    /**
     * Starts the broker with a fresh data directory {@code dir}; with {@code profile} its JVM
     * records a flight recording (JFR, profiling settings) into {@code dir/broker.jfr}; {@code brokerOpts}
     * go to its JVM as they are.
     */
    Running start(Path dir, String heap, boolean profile, List<String> brokerOpts) throws Exception {
        int port = BrokerProcess.freePort();
        Path log = dir.resolve("broker.log");
        List<String> jvm = new java.util.ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
        jvm.addAll(brokerOpts);
        if (profile) {
            jvm.add("-XX:StartFlightRecording=settings=" + System.getProperty("wharf.bench.jfc", "profile") + ",filename=" + dir.resolve("broker.jfr").toAbsolutePath());
        }
        return switch (this) {
            case WHARF -> new Running(BrokerProcess.start(label, jvm, "dev.wharf.server.WharfBroker",
                    List.of("--host", "localhost", "--port", String.valueOf(port), "--data", dir.resolve("data").toString()),
                    "Wharf broker started", log), // Acknowledgements as Artemis's and Classic's defaults have them: not waited for.
                    new WharfConnectionFactory("wharf://localhost:" + port + "?blockOnAcknowledge=false"));
            case ARTEMIS, ARTEMIS_TUNED -> new Running(BrokerProcess.start(label, jvm, ArtemisMain.class.getName(),
                    this == ARTEMIS ? List.of(String.valueOf(port), dir.resolve("data").toString())
                            : List.of(String.valueOf(port), dir.resolve("data").toString(), "--tuned"),
                    ArtemisMain.READY, log),
                    // Artemis calls a CompletionListener on the broker's confirmation only with a
                    // confirmation window; without one it warns and the async workload means nothing.
                    new ActiveMQConnectionFactory("tcp://localhost:" + port + "?confirmationWindowSize=1048576"));
            case CLASSIC -> new Running(BrokerProcess.start(label, jvm, ClassicMain.class.getName(),
                    List.of(String.valueOf(port), dir.resolve("data").toString()), ClassicMain.READY, log),
                    // Its defaults: persistent sends are synchronous, acknowledgements are not.
                    new org.apache.activemq.ActiveMQConnectionFactory("tcp://localhost:" + port));
        };
    }
}
