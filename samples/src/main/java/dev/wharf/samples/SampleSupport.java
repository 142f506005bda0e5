package dev.wharf.samples;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.ConnectionFactory;

/** What every sample shares: where the broker is. */
final class SampleSupport {

    private SampleSupport() {
    }

    /** The broker URL: the first program argument, else {@code -Dwharf.url}, else the default. */
    static ConnectionFactory connectionFactory(String[] args) {
        String url = args.length > 0 ? args[0] : System.getProperty("wharf.url", "wharf://localhost:61700");
        return new WharfConnectionFactory(url);
    }
}
