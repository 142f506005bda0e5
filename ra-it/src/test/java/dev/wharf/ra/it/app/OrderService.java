package dev.wharf.ra.it.app;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.List;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;

/**
 * The test application's transactional sender: every method runs in a container-managed (XA)
 * transaction, which {@code rollback} marks rollback-only.
 */
@Stateless
public class OrderService {

    @Resource(lookup = "jms/wharf")
    private ConnectionFactory factory;

    @Resource(lookup = "jms/orders")
    private Queue orders;

    @Inject
    @JMSConnectionFactory("jms/wharf")
    private JMSContext injected;

    @Resource
    private SessionContext ejb;

    /** Sends with a pooled connection (queue "jms/orders" means the admin object). */
    public void send(String queue, String text, boolean rollback) throws JMSException {
        try (Connection c = factory.createConnection()) {
            // Arguments ignored in a JTA transaction (JMS 2.0).
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer("jms/orders".equals(queue) ? orders : s.createQueue(queue)).send(s.createTextMessage(text));
        }
        if (rollback) {
            ejb.setRollbackOnly();
        }
    }

    /** Sends with a JMSContext from the pooled factory. */
    public void sendWithContext(String queue, String text, boolean rollback) {
        try (JMSContext ctx = factory.createContext()) {
            ctx.createProducer().send(ctx.createQueue(queue), text);
        }
        if (rollback) {
            ejb.setRollbackOnly();
        }
    }

    /** Sends with the container's injected JMSContext over the Wharf factory. */
    public void sendWithInjectedContext(String queue, String text, boolean rollback) {
        injected.createProducer().send(injected.createQueue(queue), text);
        if (rollback) {
            ejb.setRollbackOnly();
        }
    }

    /**
     * Sends in a transaction with a second resource that holds the two-phase commit after every
     * prepare (see {@link HoldingXAResource}), so the test can kill the broker between prepare and
     * commit.
     */
    public void sendInDoubt(String queue, String text, String markerDir) throws Exception {
        TransactionManager tm = transactionManager();
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession();
            s.createProducer(s.createQueue(queue)).send(s.createTextMessage(text));
        }
        tm.getTransaction().enlistResource(new HoldingXAResource(Path.of(markerDir)));
    }

    /** The server's TransactionManager, which Jakarta EE gives no portable name: GlassFish's, then WildFly's. */
    private static TransactionManager transactionManager() throws NamingException {
        InitialContext jndi = new InitialContext();
        for (String name : List.of("java:appserver/TransactionManager", "java:jboss/TransactionManager")) {
            try {
                return (TransactionManager) jndi.lookup(name);
            } catch (NamingException e) {
                // Not this server's name: try the next.
            }
        }
        throw new NameNotFoundException("no TransactionManager at java:appserver/ or java:jboss/TransactionManager");
    }
}
