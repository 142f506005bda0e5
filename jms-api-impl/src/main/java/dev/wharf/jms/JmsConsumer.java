package dev.wharf.jms;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;

/**
 * The simplified API's consumer: a {@link MessageConsumer} whose checked exceptions become
 * runtime ones. {@code receiveBody} returns null when no message arrives in time.
 */
public class JmsConsumer implements JMSConsumer {

    private final MessageConsumer consumer;

    JmsConsumer(MessageConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public String getMessageSelector() {
        return JmsContext.run(consumer::getMessageSelector);
    }

    @Override
    public MessageListener getMessageListener() {
        return JmsContext.run(consumer::getMessageListener);
    }

    @Override
    public void setMessageListener(MessageListener listener) {
        JmsContext.run(() -> {
            consumer.setMessageListener(listener);
            return null;
        });
    }

    @Override
    public Message receive() {
        return JmsContext.run(consumer::receive);
    }

    @Override
    public Message receive(long timeout) {
        return JmsContext.run(() -> consumer.receive(timeout));
    }

    @Override
    public Message receiveNoWait() {
        return JmsContext.run(consumer::receiveNoWait);
    }

    @Override
    public void close() {
        JmsContext.run(() -> {
            consumer.close();
            return null;
        });
    }

    @Override
    public <T> T receiveBody(Class<T> c) {
        return body(c, Long.MAX_VALUE);
    }

    @Override
    public <T> T receiveBody(Class<T> c, long timeout) {
        return body(c, timeout <= 0 ? Long.MAX_VALUE : timeout);
    }

    @Override
    public <T> T receiveBodyNoWait(Class<T> c) {
        return body(c, -1);
    }

    private <T> T body(Class<T> c, long timeoutMillis) {
        if (consumer instanceof JmsMessageConsumer ours) {
            return JmsContext.run(() -> ours.receiveBody(c, timeoutMillis));
        }
        return body(timeoutMillis < 0 ? receiveNoWait() : timeoutMillis == Long.MAX_VALUE ? receive() : receive(timeoutMillis), c);
    }

    private static <T> T body(Message m, Class<T> c) {
        if (m == null) {
            return null;
        }
        try {
            return m.getBody(c);
        } catch (JMSException e) {
            throw JmsContext.toRuntime(e);
        }
    }
}
