package dev.wharf.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.WireDestination;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ConfigException;
import dev.wharf.server.SecuritySettings;
import dev.wharf.server.SecuritySettings.Permission;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorizerTest {

    private static final WireDestination ORDERS_EU = WireDestination.queue("orders.eu");
    private static final WireDestination AUDIT = WireDestination.topic("audit");

    private static Authorizer authorizer(String... keysAndValues) {
        Properties p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new Authorizer(BrokerConfig.fromProperties(p, BrokerConfig.defaults(), Path.of(".")).security());
    }

    private static void allowed(Authorizer a, Set<String> roles, Permission p, WireDestination d) {
        assertDoesNotThrow(() -> a.check("u", roles, p, d), p + " on " + d + " with " + roles);
    }

    private static BrokerException refused(Authorizer a, Set<String> roles, Permission p, WireDestination d) {
        BrokerException e = assertThrows(BrokerException.class, () -> a.check("u", roles, p, d),
                p + " on " + d + " with " + roles);
        assertEquals(ErrorCode.SECURITY, e.code());
        return e;
    }

    @Test
    void withoutSecuritySettingsEveryoneMayDoEverything() {
        Authorizer a = authorizer();
        for (Permission p : Permission.values()) {
            allowed(a, Set.of(), p, ORDERS_EU);
        }
    }

    @Test
    void mostSpecificPatternThatSetsAPermissionDecidesItAndUnsetPermissionsAreNobodys() {
        Authorizer a = authorizer(
                "security.#.send", "admin",
                "security.#.consume", "admin",
                "security.orders.#.send", "shop",
                "security.orders.eu.consume", "eu-team, admin");
        allowed(a, Set.of("shop"), Permission.SEND, ORDERS_EU);
        allowed(a, Set.of("clerk", "shop"), Permission.SEND, ORDERS_EU);
        refused(a, Set.of("admin"), Permission.SEND, ORDERS_EU);
        allowed(a, Set.of("admin"), Permission.SEND, AUDIT);
        allowed(a, Set.of("eu-team"), Permission.CONSUME, ORDERS_EU);
        refused(a, Set.of("eu-team"), Permission.CONSUME, WireDestination.queue("orders.us"));
        allowed(a, Set.of("admin"), Permission.CONSUME, WireDestination.queue("orders.us"));

        BrokerException e = refused(a, Set.of("admin"), Permission.BROWSE, ORDERS_EU);
        assertTrue(e.getMessage().contains("browse queue:orders.eu"), e.getMessage());
        assertTrue(e.getMessage().contains("no security.PATTERN.browse setting matches it"), e.getMessage());

        e = refused(a, Set.of(), Permission.SEND, ORDERS_EU);
        assertTrue(e.getMessage().contains("user 'u' may not send to queue:orders.eu"), e.getMessage());
        assertTrue(e.getMessage().contains("security.orders.#.send allows only the roles [shop]"), e.getMessage());
        assertTrue(e.getMessage().contains("has no role"), e.getMessage());
    }

    @Test
    void temporaryDestinationsAreNotChecked() {
        Authorizer a = authorizer("security.#.send", "admin", "security.#.consume", "admin");
        allowed(a, Set.of(), Permission.SEND, new WireDestination(WireDestination.Kind.TEMP_QUEUE, "tmp.1"));
        refused(a, Set.of(), Permission.SEND, WireDestination.queue("tmp.1"));
    }

    @Test
    void configRejectsAnUnknownPermissionNamingTheKnownOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> authorizer("security.orders.#.write", "shop"));
        assertTrue(e.getMessage().contains("security.orders.#.write"), e.getMessage());
        assertTrue(e.getMessage().contains("send, consume, browse, createDurableQueue, deleteDurableQueue"), e.getMessage());
        assertThrows(ConfigException.class, () -> authorizer("security.orders..send", "shop"));
    }

    @Test
    void rolesFileIsResolvedAgainstTheConfigFilesDirectory() {
        Properties p = new Properties();
        p.setProperty("roles.file", "roles.properties");
        SecuritySettings s = BrokerConfig.fromProperties(p, BrokerConfig.defaults(), Path.of("/etc/wharf")).security();
        assertEquals(Path.of("/etc/wharf/roles.properties"), s.rolesFile());
        assertTrue(!s.authorizes(), "a roles file alone checks nothing");
    }
}
