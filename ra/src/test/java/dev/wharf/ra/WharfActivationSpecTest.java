package dev.wharf.ra;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;

class WharfActivationSpecTest {

    private static WharfActivationSpec queueSpec() {
        WharfActivationSpec s = new WharfActivationSpec();
        s.setDestination("orders");
        s.setDestinationType("jakarta.jms.Queue");
        return s;
    }

    private static String error(WharfActivationSpec s) {
        return assertThrows(InvalidPropertyException.class, s::validate).getMessage();
    }

    @Test
    void queueWithDefaultsIsValid() {
        assertDoesNotThrow(queueSpec()::validate);
    }

    @Test
    void sharedDurableTopicWithManySessionsIsValid() {
        WharfActivationSpec s = queueSpec();
        s.setDestinationType("jakarta.jms.Topic");
        s.setSubscriptionDurability("Durable");
        s.setSubscriptionName("audit");
        s.setShareSubscriptions(true);
        s.setMaxSession(4);
        assertDoesNotThrow(s::validate);
    }

    @Test
    void specWithoutDestinationNamesBothProperties() {
        WharfActivationSpec s = new WharfActivationSpec();
        s.setDestinationType("jakarta.jms.Queue");
        String m = error(s);
        assertTrue(m.contains("destination or destinationLookup: neither is set"), m);
    }

    @Test
    void unknownDestinationTypeIsNamedWithTheExpectedValues() {
        WharfActivationSpec s = queueSpec();
        s.setDestinationType("jakarta.jms.Mailbox");
        String m = error(s);
        assertTrue(m.contains("destinationType: 'jakarta.jms.Mailbox' (expected: jakarta.jms.Queue or jakarta.jms.Topic)"), m);
    }

    @Test
    void destinationWithoutTypeIsAQueue() throws Exception {
        WharfActivationSpec s = new WharfActivationSpec();
        s.setDestination("orders");
        s.validate();
        org.junit.jupiter.api.Assertions.assertEquals(new dev.wharf.jms.JmsQueue("orders"), s.lookUpDestination());
    }

    @Test
    void javaxDestinationTypeIsAccepted() {
        WharfActivationSpec s = queueSpec();
        s.setDestinationType("javax.jms.Queue");
        assertDoesNotThrow(s::validate);
    }

    @Test
    void durableSubscriptionWithoutNameIsRejected() {
        WharfActivationSpec s = queueSpec();
        s.setDestinationType("jakarta.jms.Topic");
        s.setSubscriptionDurability("Durable");
        s.setMaxSession(1);
        String m = error(s);
        assertTrue(m.contains("subscriptionName: not set"), m);
    }

    @Test
    void unsharedDurableSubscriptionWithSeveralSessionsAsksForShareSubscriptions() {
        WharfActivationSpec s = queueSpec();
        s.setDestinationType("jakarta.jms.Topic");
        s.setSubscriptionDurability("Durable");
        s.setSubscriptionName("audit");
        s.setMaxSession(3);
        String m = error(s);
        assertTrue(m.contains("shareSubscriptions=true"), m);
    }

    @Test
    void zeroMaxSessionIsRejected() {
        WharfActivationSpec s = queueSpec();
        s.setMaxSession(0);
        String m = error(s);
        assertTrue(m.contains("maxSession: 0 (expected: >= 1)"), m);
    }

    @Test
    void clientAcknowledgeIsNotAnMdbModeAndIsRejected() {
        WharfActivationSpec s = queueSpec();
        s.setAcknowledgeMode("Client-acknowledge");
        String m = error(s);
        assertTrue(m.contains("acknowledgeMode: 'Client-acknowledge' (expected: Auto-acknowledge or Dups-ok-acknowledge)"), m);
    }

    @Test
    void unknownDurabilityIsRejected() {
        WharfActivationSpec s = queueSpec();
        s.setSubscriptionDurability("Forever");
        String m = error(s);
        assertTrue(m.contains("subscriptionDurability: 'Forever' (expected: Durable or NonDurable)"), m);
    }

    @Test
    void durableQueueIsRejected() {
        WharfActivationSpec s = queueSpec();
        s.setSubscriptionDurability("Durable");
        s.setSubscriptionName("x");
        s.setMaxSession(1);
        String m = error(s);
        assertTrue(m.contains("Durable on a queue"), m);
    }

    @Test
    void urlThatIsNotWharfIsRejected() {
        WharfActivationSpec s = queueSpec();
        s.setUrl("tcp://localhost:61616");
        String m = error(s);
        assertTrue(m.contains("url: 'tcp://localhost:61616' (expected: wharf://host:port"), m);
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        WharfActivationSpec s = new WharfActivationSpec();
        s.setMaxSession(-1);
        s.setAcknowledgeMode("nope");
        String m = error(s);
        assertTrue(m.contains("destination or destinationLookup") && m.contains("maxSession: -1")
                && m.contains("acknowledgeMode: 'nope'"), m);
    }
}
