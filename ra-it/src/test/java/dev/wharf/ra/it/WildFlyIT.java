package dev.wharf.ra.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ResourceAdapterChecks} in WildFly 39 (standalone-full), the container {@code wildfly} of
 * arquillian.xml: {@link WildFlySetup} configures the adapter before the server starts;
 * {@code jboss-ejb3.xml} binds the MDBs to it and {@code jboss-web.xml} maps the application's
 * names {@code jms/wharf} and {@code jms/orders} to the server's {@code java:/jms/...}. Narayana
 * recovers an in-doubt transaction by itself (arquillian.xml scans every 5 s).
 *
 * <p>The recovery check passes through the MDBs' activations alone
 * ({@code ResourceAdapter.getXAResources}: Wharf's {@code recover()} lists every in-doubt branch
 * at the broker), so one more check makes sure the pool itself takes part, as it must where no
 * MDB uses the broker.
 */
@ExtendWith(WildFlySetup.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WildFlyIT extends ResourceAdapterChecks {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return app().addAsWebInfResource("jboss-ejb3.xml", "jboss-ejb3.xml")
                .addAsWebInfResource("jboss-web.xml", "jboss-web.xml");
    }

    @Test
    @Order(9)
    void poolTakesPartInRecoveryWithItsRecoveryCredentials() throws Exception {
        Path log = Path.of(System.getProperty("wildfly.home"), "standalone", "log", "server.log");
        String text = Files.readString(log, StandardCharsets.UTF_8);
        // IJ020016: Missing <recovery> element. XA recovery disabled for: java:/jms/wharf
        assertFalse(text.contains("IJ020016"), "WildFly disabled XA recovery for a pool (IJ020016 in " + log + ")");
    }

    @Override
    protected void recoverInDoubtTransactions() {
        // Nothing to ask: the check proves that Narayana's periodic recovery commits by itself.
        System.out.println("WildFly: waiting for Narayana's periodic recovery");
    }
}
