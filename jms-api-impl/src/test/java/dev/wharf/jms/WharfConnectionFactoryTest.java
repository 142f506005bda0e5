package dev.wharf.jms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.internal.Transport;
import jakarta.jms.JMSException;
import java.util.List;
import org.junit.jupiter.api.Test;

class WharfConnectionFactoryTest {

    private static List<WharfConnectionFactory.Address> addresses(WharfConnectionFactory cf) throws JMSException {
        return cf.settings("u", "p").addresses();
    }

    @Test
    void oneAddressWithOrWithoutPortAndOptions() throws JMSException {
        WharfConnectionFactory cf = new WharfConnectionFactory("wharf://broker?prefetch=7&requestTimeout=500");
        assertEquals(List.of(new WharfConnectionFactory.Address("broker", 61700)), addresses(cf));
        assertEquals(7, cf.settings("u", "p").prefetch());
        assertEquals(500, cf.settings("u", "p").requestTimeout());
        assertEquals(List.of(new WharfConnectionFactory.Address("localhost", 61701)),
                addresses(new WharfConnectionFactory("wharf://localhost:61701/")));
    }

    @Test
    void liveAndBackupAddressesAreTriedInOrder() throws JMSException {
        WharfConnectionFactory cf = new WharfConnectionFactory("wharf://live:61700,backup:61701?clientID=app");
        assertEquals(List.of(new WharfConnectionFactory.Address("live", 61700),
                new WharfConnectionFactory.Address("backup", 61701)), addresses(cf));
        assertEquals("app", cf.getClientID());
        assertEquals(List.of(new WharfConnectionFactory.Address("::1", 61702)),
                addresses(new WharfConnectionFactory("wharf://[::1]:61702")));
    }

    @Test
    void badUrlsSayWhatIsExpected() throws JMSException {
        for (String bad : List.of("tcp://broker:61700", "wharf://", "wharf://a:1,,b:2", "wharf://a:notaport",
                "wharf://a:1/queue")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WharfConnectionFactory(bad),
                    bad);
            assertTrue(e.getMessage().contains("wharf://host:port"), e.getMessage());
        }
    }

    @Test
    void failoverIsOffUnlessReconnectAttemptsAreSet() throws JMSException {
        assertEquals(false, new WharfConnectionFactory("wharf://a:1,b:2").settings("u", "p").reconnect().enabled());
        WharfConnectionFactory cf = new WharfConnectionFactory("wharf://a:1,b:2?reconnectAttempts=-1&reconnectInterval=50"
                + "&reconnectBackoff=1.5&reconnectMaxInterval=800&reconnectTimeout=9000");
        assertEquals(new WharfConnectionFactory.Reconnect(-1, 50, 1.5, 800, 9000), cf.settings("u", "p").reconnect());
        assertTrue(cf.settings("u", "p").reconnect().enabled());
    }

    @Test
    void badReconnectSettingsAreRefusedWithTheRange() throws JMSException {
        for (String bad : List.of("reconnectAttempts=-2", "reconnectBackoff=0.5", "reconnectTimeout=0", "reconnectInterval=-1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new WharfConnectionFactory("wharf://a:1?" + bad), bad);
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
        }
    }

    @Test
    void heartbeatIsOnByDefaultWithATtlOfThreeIntervals() throws JMSException {
        assertEquals(new Transport.Heartbeat(10_000, 30_000), new WharfConnectionFactory("wharf://a:1").settings("u", "p").heartbeat());
        assertEquals(new Transport.Heartbeat(200, 600),
                new WharfConnectionFactory("wharf://a:1?heartbeatInterval=200").settings("u", "p").heartbeat());
        assertEquals(new Transport.Heartbeat(200, 5000),
                new WharfConnectionFactory("wharf://a:1?heartbeatInterval=200&connectionTtl=5000").settings("u", "p").heartbeat());
        assertEquals(Transport.Heartbeat.NONE,
                new WharfConnectionFactory("wharf://a:1?heartbeatInterval=0").settings("u", "p").heartbeat());
    }

    @Test
    void aTtlShorterThanTwoHeartbeatsIsRefusedWhenConnecting() {
        WharfConnectionFactory cf = new WharfConnectionFactory("wharf://a:1?heartbeatInterval=1000&connectionTtl=1500");
        JMSException e = assertThrows(JMSException.class, cf::createConnection);
        assertTrue(e.getMessage().contains("connectionTtl: 1500 ms (expected: at least twice heartbeatInterval, 2000 ms"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WharfConnectionFactory("wharf://a:1?heartbeatInterval=-1"));
        assertThrows(IllegalArgumentException.class, () -> new WharfConnectionFactory("wharf://a:1?connectionTtl=0"));
    }

    @Test
    void autoAcknowledgeBlocksUnlessToldNotTo() throws JMSException {
        assertEquals(true, new WharfConnectionFactory("wharf://a:1").settings("u", "p").blockOnAcknowledge());
        assertEquals(false, new WharfConnectionFactory("wharf://a:1?blockOnAcknowledge=false").settings("u", "p").blockOnAcknowledge());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WharfConnectionFactory("wharf://a:1?blockOnAcknowledge=yes"));
        assertTrue(e.getMessage().contains("blockOnAcknowledge: 'yes' (expected: true or false)"), e.getMessage());
    }
}
