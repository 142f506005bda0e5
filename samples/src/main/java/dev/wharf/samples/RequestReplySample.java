package dev.wharf.samples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;

/**
 * Request/reply: a service listens on a queue and answers to each request's JMSReplyTo; the
 * requester sends with a temporary queue as reply-to and matches the answer by correlation id.
 */
public final class RequestReplySample {

    public static void main(String[] args) throws JMSException {
        System.out.println("reply: " + run(SampleSupport.connectionFactory(args), "samples.uppercase", "hello"));
    }

    public static String run(ConnectionFactory cf, String serviceQueue, String request) throws JMSException {
        try (Connection serviceConnection = cf.createConnection();
             Connection clientConnection = cf.createConnection()) {
            // The service: uppercase whatever arrives, reply to JMSReplyTo.
            Session serviceSession = serviceConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer replier = serviceSession.createProducer(null);
            serviceSession.createConsumer(serviceSession.createQueue(serviceQueue)).setMessageListener(message -> {
                try {
                    TextMessage reply = serviceSession.createTextMessage(((TextMessage) message).getText().toUpperCase());
                    reply.setJMSCorrelationID(message.getJMSMessageID());
                    replier.send(message.getJMSReplyTo(), reply);
                } catch (JMSException e) {
                    e.printStackTrace();
                }
            });
            serviceConnection.start();

            // The requester.
            Session session = clientConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            clientConnection.start();
            TextMessage requestMessage = session.createTextMessage(request);
            requestMessage.setJMSReplyTo(replies);
            Queue service = session.createQueue(serviceQueue);
            MessageProducer requester = session.createProducer(service);
            requester.send(requestMessage);
            TextMessage reply = (TextMessage) replyConsumer.receive(5_000);
            if (reply == null || !requestMessage.getJMSMessageID().equals(reply.getJMSCorrelationID())) {
                return null;
            }
            return reply.getText();
        }
    }
}
