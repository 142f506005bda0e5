package dev.wharf.jms.jndi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.util.Hashtable;
import javax.naming.ConfigurationException;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.OperationNotSupportedException;
import org.junit.jupiter.api.Test;

class WharfInitialContextFactoryTest {

    private static Context context(String... keyValues) throws Exception {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, WharfInitialContextFactory.class.getName());
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return new InitialContext(env);
    }

    @Test
    void bindsFactoriesQueuesAndTopicsFromTheEnvironment() throws Exception {
        Context ctx = context("connectionFactory.CF", "wharf://broker:61701?prefetch=7",
                "connectionFactory.Durable", "wharf://broker:61701",
                "connectionFactory.Durable.clientID", "cts",
                "queue.MY_QUEUE", "orders", "topic.MY_TOPIC", "prices");
        WharfConnectionFactory cf = assertInstanceOf(WharfConnectionFactory.class, ctx.lookup("CF"));
        assertEquals(7, cf.getPrefetch());
        assertEquals(null, cf.getClientID());
        assertEquals("cts", ((WharfConnectionFactory) ctx.lookup("Durable")).getClientID());
        assertEquals("orders", ((Queue) ctx.lookup("MY_QUEUE")).getQueueName());
        assertEquals("prices", ((Topic) ctx.lookup("MY_TOPIC")).getTopicName());
    }

    @Test
    void xaOptionBindsAnXaConnectionFactory() throws Exception {
        Context ctx = context("connectionFactory.XACF", "wharf://broker:61701", "connectionFactory.XACF.xa", "true",
                "connectionFactory.CF", "wharf://broker:61701");
        org.junit.jupiter.api.Assertions.assertInstanceOf(jakarta.jms.XAConnectionFactory.class, ctx.lookup("XACF"));
        org.junit.jupiter.api.Assertions.assertFalse(ctx.lookup("CF") instanceof jakarta.jms.XAConnectionFactory);
    }

    @Test
    void factoryWithoutUrlUsesTheProviderUrl() throws Exception {
        Context ctx = context(Context.PROVIDER_URL, "wharf://elsewhere:1234", "connectionFactory.CF", "");
        assertEquals("wharf://elsewhere:1234", ((WharfConnectionFactory) ctx.lookup("CF")).getUrl());
    }

    @Test
    void unknownNameSaysHowToBindIt() throws Exception {
        NameNotFoundException e = assertThrows(NameNotFoundException.class, () -> context().lookup("nope"));
        assertTrue(e.getMessage().contains("queue.nope=<queue>"), e.getMessage());
    }

    @Test
    void badUrlIsAConfigurationErrorNamingTheEntry() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> context("connectionFactory.CF", "http://x"));
        assertTrue(e.getMessage().contains("connectionFactory.CF"), e.getMessage());
    }

    @Test
    void contextIsReadOnly() throws Exception {
        assertThrows(OperationNotSupportedException.class, () -> context().bind("x", "y"));
    }
}
