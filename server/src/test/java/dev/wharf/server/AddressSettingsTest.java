package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.internal.core.AddressSettingsResolver;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AddressSettingsTest {

    private static AddressSettings attempts(int n) {
        return AddressSettings.UNSET.withMaxDeliveryAttempts(n);
    }

    private static AddressSettings dla(String q) {
        return AddressSettings.UNSET.withDeadLetterAddress(q);
    }

    @Test
    void unconfiguredAddressHasTheDefaults() {
        AddressSettings s = AddressSettingsResolver.defaults().resolve("orders");
        assertEquals(10, s.maxDeliveryAttempts());
        assertEquals("DLQ", s.deadLetterAddress());
        assertEquals(0, s.redeliveryDelayAfter(3));
        assertEquals(null, s.expiryQueue());
    }

    @Test
    void starMatchesOneWordAndHashAnyNumberIncludingNone() {
        Map<String, AddressSettings> m = new LinkedHashMap<>();
        m.put("orders.*", attempts(2));
        m.put("audit.#", attempts(3));
        AddressSettingsResolver r = new AddressSettingsResolver(m);
        assertEquals(2, r.resolve("orders.eu").maxDeliveryAttempts());
        assertEquals(10, r.resolve("orders").maxDeliveryAttempts());
        assertEquals(10, r.resolve("orders.eu.north").maxDeliveryAttempts());
        assertEquals(3, r.resolve("audit").maxDeliveryAttempts());
        assertEquals(3, r.resolve("audit.a.b.c").maxDeliveryAttempts());
        assertEquals(10, r.resolve("auditing").maxDeliveryAttempts());
    }

    @Test
    void answersStayRightWhenAskedAgainAndPastTheRememberedAddresses() {
        Map<String, AddressSettings> m = new LinkedHashMap<>();
        m.put("orders.*", attempts(2));
        AddressSettingsResolver r = new AddressSettingsResolver(m);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5000; i++) {
                assertEquals(2, r.resolve("orders.q" + i).maxDeliveryAttempts(), "orders.q" + i + ", round " + round);
                assertEquals(10, r.resolve("other.q" + i).maxDeliveryAttempts(), "other.q" + i + ", round " + round);
            }
        }
    }

    @Test
    void moreSpecificPatternWinsFieldByField() {
        Map<String, AddressSettings> m = new LinkedHashMap<>();
        m.put("orders.eu", attempts(5));
        m.put("#", AddressSettings.UNSET.withMaxDeliveryAttempts(7).withRedeliveryDelayMillis(100).withDeadLetterAddress("ALL.DLQ"));
        m.put("orders.#", dla("orders.dlq"));
        m.put("orders.*", attempts(4));
        AddressSettingsResolver r = new AddressSettingsResolver(m);
        AddressSettings eu = r.resolve("orders.eu");
        assertEquals(5, eu.maxDeliveryAttempts(), "the exact address beats orders.* and #");
        assertEquals("orders.dlq", eu.deadLetterAddress(), "orders.# beats # where the exact one is silent");
        assertEquals(100L, eu.redeliveryDelayMillis(), "# still fills what nobody else sets");
        assertEquals(4, r.resolve("orders.us").maxDeliveryAttempts());
        assertEquals(7, r.resolve("payments").maxDeliveryAttempts());
        assertEquals("ALL.DLQ", r.resolve("payments").deadLetterAddress());
    }

    @Test
    void redeliveryDelayGrowsByTheMultiplierUpToTheMaximum() {
        AddressSettings s = AddressSettings.UNSET.withRedeliveryDelayMillis(100).withRedeliveryMultiplier(3.0).withMaxRedeliveryDelayMillis(1000);
        assertEquals(100, s.redeliveryDelayAfter(1));
        assertEquals(300, s.redeliveryDelayAfter(2));
        assertEquals(900, s.redeliveryDelayAfter(3));
        assertEquals(1000, s.redeliveryDelayAfter(4));
        assertEquals(1000, s.redeliveryDelayAfter(Integer.MAX_VALUE));
        AddressSettings noMax = AddressSettings.UNSET.withRedeliveryDelayMillis(100).withRedeliveryMultiplier(2.0);
        assertEquals(1000, noMax.redeliveryDelayAfter(20), "without a maximum, ten times the delay");
    }

    @Test
    void attemptsAreExhaustedAtTheMaximumAndNeverWithMinusOne() {
        assertFalse(attempts(3).attemptsExhausted(2));
        assertTrue(attempts(3).attemptsExhausted(3));
        assertFalse(attempts(-1).attemptsExhausted(1_000_000));
    }

    @Test
    void nonsenseValuesAreRejectedWithTheKey() {
        assertTrue(assertThrows(ConfigException.class, () -> attempts(0)).getMessage().contains("max-delivery-attempts"));
        assertTrue(assertThrows(ConfigException.class, () -> AddressSettings.UNSET.withRedeliveryDelayMillis(-5))
                .getMessage().contains("redelivery-delay-ms"));
        assertTrue(assertThrows(ConfigException.class, () -> AddressSettings.UNSET.withRedeliveryMultiplier(0.5))
                .getMessage().contains("redelivery-multiplier"));
        assertTrue(assertThrows(ConfigException.class, () -> new AddressSettingsResolver(Map.of("orders..eu", attempts(1))))
                .getMessage().contains("orders..eu"));
    }

    @Test
    void configFileSetsAddressSettingsPerPattern() {
        Properties p = new Properties();
        p.setProperty("address.orders.#.max-delivery-attempts", "3");
        p.setProperty("address.orders.#.dead-letter-address", "orders.dlq");
        p.setProperty("address.orders.#.redelivery-delay-ms", "250");
        p.setProperty("address.#.expiry-address", "ExpiryQueue");
        BrokerConfig c = BrokerConfig.fromProperties(p, BrokerConfig.defaults(), Path.of("."));
        AddressSettings s = new AddressSettingsResolver(c.addressSettings()).resolve("orders.eu");
        assertEquals(3, s.maxDeliveryAttempts());
        assertEquals("orders.dlq", s.deadLetterAddress());
        assertEquals(250, s.redeliveryDelayAfter(1));
        assertEquals("ExpiryQueue", s.expiryQueue());
    }

    @Test
    void unknownAddressSettingIsRejectedListingTheKnownOnes() {
        Properties p = new Properties();
        p.setProperty("address.orders.max-attempts", "3");
        ConfigException e = assertThrows(ConfigException.class,
                () -> BrokerConfig.fromProperties(p, BrokerConfig.defaults(), Path.of(".")));
        assertTrue(e.getMessage().contains("address.orders.max-attempts"), e.getMessage());
        assertTrue(e.getMessage().contains("max-delivery-attempts"), e.getMessage());
        Properties bad = new Properties();
        bad.setProperty("address.orders.max-delivery-attempts", "three");
        assertTrue(assertThrows(ConfigException.class,
                () -> BrokerConfig.fromProperties(bad, BrokerConfig.defaults(), Path.of("."))).getMessage().contains("three"));
    }

    @Test
    void globalMaxSizeDefaultsToAQuarterOfTheHeapAndIsReadFromTheConfigFile() {
        assertEquals(Runtime.getRuntime().maxMemory() / 4, BrokerConfig.defaults().globalMaxSize());
        Properties p = new Properties();
        p.setProperty("global.max.size", "1048576");
        assertEquals(1_048_576, BrokerConfig.fromProperties(p, BrokerConfig.defaults(), Path.of(".")).globalMaxSize());
        p.setProperty("global.max.size", "-1");
        assertEquals(-1, BrokerConfig.fromProperties(p, BrokerConfig.defaults(), Path.of(".")).globalMaxSize());
        for (String bad : new String[] {"0", "-2", "1g"}) {
            Properties b = new Properties();
            b.setProperty("global.max.size", bad);
            ConfigException e = assertThrows(ConfigException.class,
                    () -> BrokerConfig.fromProperties(b, BrokerConfig.defaults(), Path.of(".")));
            assertTrue(e.getMessage().contains("global.max.size") && e.getMessage().contains(bad), e.getMessage());
        }
    }
}
