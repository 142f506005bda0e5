package dev.wharf.ra.it.app;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSContext;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/**
 * A shared durable subscription "audit" on topic {@code it.prices} with three sessions; forwards
 * each message to {@code it.prices.done} in the MDB's XA transaction.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "it.prices"),
        @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "Durable"),
        @ActivationConfigProperty(propertyName = "subscriptionName", propertyValue = "audit"),
        @ActivationConfigProperty(propertyName = "shareSubscriptions", propertyValue = "true"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "3")
})
public class AuditMdb implements MessageListener {

    @Resource(lookup = "jms/wharf")
    private ConnectionFactory factory;

    @Override
    public void onMessage(Message message) {
        try (JMSContext ctx = factory.createContext()) {
            ctx.createProducer().send(ctx.createQueue("it.prices.done"), ((TextMessage) message).getText());
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

}
