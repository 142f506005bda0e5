package dev.wharf.ra.it.app;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/**
 * An MDB without a transaction on {@code it.mail}: the adapter acknowledges after onMessage
 * returns and redelivers if it throws, which it does on the first delivery of each message.
 * Forwards the second to {@code it.mail.done} through a pooled connection outside a transaction.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "it.mail"),
        @ActivationConfigProperty(propertyName = "acknowledgeMode", propertyValue = "Auto-acknowledge"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MailMdb implements MessageListener {

    @Resource(lookup = "jms/wharf")
    private ConnectionFactory factory;

    @Override
    public void onMessage(Message message) {
        try {
            if (!message.getJMSRedelivered()) {
                throw new IllegalStateException("mail server down for " + message.getJMSMessageID());
            }
            try (JMSContext ctx = factory.createContext()) {
                ctx.createProducer().send(ctx.createQueue("it.mail.done"), ((TextMessage) message).getText());
            }
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
