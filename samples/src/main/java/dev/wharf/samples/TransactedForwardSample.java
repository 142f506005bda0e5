package dev.wharf.samples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Consume-and-forward in one local transaction: a message taken from the inbox and the
 * message sent to the outbox commit together, or neither happens. The first attempt rolls
 * back (as if processing failed), so the message is redelivered and forwarded on the second.
 */
public final class TransactedForwardSample {

    public static void main(String[] args) throws JMSException {
        String forwarded = run(SampleSupport.connectionFactory(args), "samples.inbox", "samples.outbox");
        System.out.println("forwarded: " + forwarded);
    }

    /** Returns the text that arrived in the outbox. */
    public static String run(ConnectionFactory cf, String inboxName, String outboxName) throws JMSException {
        try (Connection connection = cf.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue inbox = session.createQueue(inboxName);
            Queue outbox = session.createQueue(outboxName);
            MessageProducer toInbox = session.createProducer(inbox);
            toInbox.send(session.createTextMessage("payment 42"));
            session.commit();

            MessageConsumer consumer = session.createConsumer(inbox);
            MessageProducer toOutbox = session.createProducer(outbox);
            // First attempt fails half-way: nothing is forwarded, the input goes back.
            Message first = consumer.receive(5_000);
            toOutbox.send(session.createTextMessage("processed " + ((TextMessage) first).getText()));
            session.rollback();
            // Second attempt: the same message, now marked redelivered.
            TextMessage again = (TextMessage) consumer.receive(5_000);
            System.out.println("redelivered: " + again.getJMSRedelivered());
            toOutbox.send(session.createTextMessage("processed " + again.getText()));
            session.commit();

            TextMessage out = (TextMessage) session.createConsumer(outbox).receive(5_000);
            session.commit();
            return out == null ? null : out.getText();
        }
    }
}
