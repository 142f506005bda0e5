package dev.wharf.ra.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ResourceAdapterChecks} in GlassFish 7 (Jakarta EE 10 full profile), the container
 * {@code glassfish} of arquillian.xml: {@link GlassFishSetup} has GlassFish deploy and configure
 * the adapter after boot; {@code glassfish-ejb-jar.xml} binds the MDBs to it. GlassFish recovers
 * an in-doubt transaction when asked to, with {@code asadmin recover-transactions}.
 */
@ExtendWith(GlassFishSetup.class)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GlassFishIT extends ResourceAdapterChecks {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return app().addAsWebInfResource("glassfish-ejb-jar.xml", "glassfish-ejb-jar.xml");
    }

    @Override
    protected void recoverInDoubtTransactions() throws Exception {
        System.out.println("asadmin recover-transactions: " + asadmin("recover-transactions", "server"));
    }

    private static String asadmin(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("glassfish.home"), "bin", "asadmin").toString(),
                "--port", System.getProperty("wharf.it.adminPort", "14848")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out.trim();
    }
}
