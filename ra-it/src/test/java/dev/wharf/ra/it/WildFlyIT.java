package dev.wharf.ra.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ResourceAdapterChecks} in WildFly 39 (standalone-full), the container {@code wildfly} of
 * arquillian.xml: {@link WildFlySetup} configures the adapter before the server starts;
 * {@code jboss-ejb3.xml} binds the MDBs to it and {@code jboss-web.xml} maps the application's
 * names {@code jms/wharf} and {@code jms/orders} to the server's {@code java:/jms/...}. Narayana
 * recovers an in-doubt transaction by itself (arquillian.xml scans every 5 s).
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

    @Override
    protected void recoverInDoubtTransactions() {
        // Nothing to ask: the check proves that Narayana's periodic recovery commits by itself.
        System.out.println("WildFly: waiting for Narayana's periodic recovery");
    }
}
