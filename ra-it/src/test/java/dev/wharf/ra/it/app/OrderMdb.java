package dev.wharf.ra.it.app;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes {@code it.orders} with up to four sessions, in container-managed XA transactions, and
 * forwards each message to {@code it.orders.done} in the same transaction with the number of
 * deliveries it saw running at once. "rollback-once:" messages roll back their first delivery;
 * "poison:" messages always throw.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = "jms/orders"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "4")
})
public class OrderMdb implements MessageListener {

    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MAX_RUNNING = new AtomicInteger();

    @Resource(lookup = "jms/wharf")
    private ConnectionFactory factory;

    @Resource
    private MessageDrivenContext mdb;

    @Override
    public void onMessage(Message message) {
        MAX_RUNNING.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
        try {
            String text = ((TextMessage) message).getText();
            if (text.startsWith("poison:")) {
                throw new IllegalStateException("cannot process " + text);
            }
            Thread.sleep(50);
            forward(text, message.getJMSRedelivered());
            if (text.startsWith("rollback-once:") && !message.getJMSRedelivered()) {
                mdb.setRollbackOnly();
            }
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    private void forward(String text, boolean redelivered) throws JMSException {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession();
            TextMessage out = s.createTextMessage(text);
            out.setIntProperty("maxRunning", MAX_RUNNING.get());
            out.setBooleanProperty("wasRedelivered", redelivered);
            s.createProducer(s.createQueue("it.orders.done")).send(out);
        }
    }
}
