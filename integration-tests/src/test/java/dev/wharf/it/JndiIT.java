package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.InitialContext;
import org.junit.jupiter.api.Test;

class JndiIT extends BrokerTestSupport {

    @Test
    void objectsLookedUpThroughJndiTalkToTheBroker() throws Exception {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "dev.wharf.jms.jndi.WharfInitialContextFactory");
        env.put("connectionFactory.ConnectionFactory", broker.url());
        String physical = unique("jndi");
        env.put("queue.orders", physical);
        Context jndi = new InitialContext(env);
        ConnectionFactory cf = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue orders = (Queue) jndi.lookup("orders");
        try (JMSContext ctx = cf.createContext()) {
            ctx.createProducer().send(orders, "via jndi");
            assertEquals("via jndi", ctx.createConsumer(ctx.createQueue(physical)).receiveBody(String.class, 5000));
        }
    }
}
