package dev.wharf.ra.it;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The asadmin commands that install the resource adapter, as README.md ("GlassFish 7") gives them:
 * the adapter's broker URL, the rar, an XA connection pool with its connection factory resource
 * {@code jms/wharf}, and a queue admin object {@code jms/orders}. As an extension registered
 * after {@link BrokerExtension} and before {@code ArquillianExtension}, it hands them to the
 * GlassFish container (property {@code glassfish.postBootCommands}) to run after boot.
 */
final class GlassFishSetup implements BeforeAllCallback {

    static List<String> commands(String rar, int brokerPort) {
        return List.of(
                // asadmin wants the colons of a property value escaped.
                "create-resource-adapter-config --property url=wharf\\://localhost\\:" + brokerPort + " wharf-ra",
                "deploy --type rar --name wharf-ra " + rar,
                "create-connector-connection-pool --raname wharf-ra --connectiondefinition jakarta.jms.ConnectionFactory"
                        + " --transactionsupport XATransaction --steadypoolsize 0 --maxpoolsize 32 wharf-pool",
                "create-connector-resource --poolname wharf-pool jms/wharf",
                "create-admin-object --raname wharf-ra --restype jakarta.jms.Queue --property name=it.orders jms/orders");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Read by the GlassFish container's configuration, which Arquillian creates after this.
        System.setProperty("glassfish.postBootCommands",
                String.join("\n", commands(System.getProperty("wharf.it.rar"), BrokerExtension.broker.port())));
    }
}
