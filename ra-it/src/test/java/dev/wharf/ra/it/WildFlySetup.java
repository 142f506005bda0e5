package dev.wharf.ra.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The jboss-cli commands that install the resource adapter in WildFly, as README.md ("WildFly")
 * gives them: the rar, its broker URL, a pooled XA connection factory at {@code java:/jms/wharf}
 * with the credentials its recovery connects with, and admin objects {@code java:/jms/orders}
 * (queue {@code it.orders}) and {@code java:/jms/prices} (topic {@code it.prices}).
 *
 * <p>As an extension registered after {@link BrokerExtension} and before
 * {@code ArquillianExtension}, it runs them with {@code jboss-cli.sh} against an embedded,
 * admin-only server, which writes them into {@code standalone-full.xml} before Arquillian starts
 * the real one. Output goes to {@code jboss-cli.log} in {@code wharf.it.dir}.
 */
final class WildFlySetup implements BeforeAllCallback {

    static List<String> commands(String rar, int brokerPort) {
        String ra = "/subsystem=resource-adapters/resource-adapter=wharf-ra";
        return List.of(
                // Names this server's branches in Xids; recovery takes only in-doubt branches with its own.
                "/subsystem=transactions:write-attribute(name=node-identifier,value=wharf-it)",
                "deploy " + rar + " --name=wharf-ra.rar",
                ra + ":add(archive=wharf-ra.rar,transaction-support=XATransaction)",
                ra + "/config-properties=url:add(value=\"wharf://localhost:" + brokerPort + "\")",
                // Recovery (IronJacamar's XAResourceRecovery for the pool) signs on with these:
                // without them WildFly warns IJ020016 and disables XA recovery for this pool.
                ra + "/connection-definitions=wharf:add(class-name=dev.wharf.ra.WharfManagedConnectionFactory,"
                        + "jndi-name=java:/jms/wharf,min-pool-size=0,max-pool-size=32,"
                        + "recovery-username=wharf,recovery-password=wharf)",
                ra + "/admin-objects=orders:add(class-name=dev.wharf.ra.WharfAdminQueue,jndi-name=java:/jms/orders)",
                ra + "/admin-objects=orders/config-properties=name:add(value=it.orders)",
                ra + "/admin-objects=prices:add(class-name=dev.wharf.ra.WharfAdminTopic,jndi-name=java:/jms/prices)",
                ra + "/admin-objects=prices/config-properties=name:add(value=it.prices)");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path home = Path.of(System.getProperty("wildfly.home"));
        Path dir = Path.of(System.getProperty("wharf.it.dir", "target/ra-it"));
        Files.createDirectories(dir);
        List<String> script = new ArrayList<>();
        script.add("embed-server --server-config=standalone-full.xml --std-out=discard");
        script.addAll(commands(System.getProperty("wharf.it.rar"), BrokerExtension.broker.port()));
        script.add("stop-embedded-server");
        Path file = dir.resolve("wharf-ra.cli");
        Files.write(file, script, StandardCharsets.UTF_8);

        Path log = dir.resolve("jboss-cli.log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin").resolve("jboss-cli.sh").toString(), "--file=" + file)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JBOSS_HOME", home.toString());
        Process cli = pb.start();
        if (!cli.waitFor(180, TimeUnit.SECONDS)) {
            cli.destroyForcibly();
            throw new IllegalStateException("jboss-cli.sh --file=" + file + " did not finish in 180 s:\n" + Files.readString(log));
        }
        if (cli.exitValue() != 0) {
            throw new IllegalStateException("jboss-cli.sh --file=" + file + " exited with " + cli.exitValue() + ":\n"
                    + Files.readString(log));
        }
    }
}
