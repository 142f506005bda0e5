package dev.wharf.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.ResourceAllocationRuntimeException;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.TransactionRolledBackRuntimeException;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JMS 2.0 simplified API over a connection and one session, written against the
 * {@code jakarta.jms} interfaces only. Contexts made by {@link #createContext(int)} share the
 * connection; the last one closed closes it. The session is created on first use; the
 * connection starts when the first consumer is created, unless auto-start is off.
 *
 * <p>Like a session, a context is for one application thread at a time.
 */
public class JmsContext implements JMSContext {

    /** The connection and how many contexts still use it. */
    private static final class Shared {
        final Connection connection;
        final AtomicInteger users = new AtomicInteger(1);

        Shared(Connection connection) {
            this.connection = connection;
        }
    }

    private final Shared shared;
    private final int sessionMode;
    private Session session;
    private boolean autoStart = true;
    private volatile boolean closed;

    /**
     * @param connection the connection to use
     * @param sessionMode one of the {@code JMSContext} session modes
     * @param ownsConnection true if closing this context (the last one sharing it) closes the connection
     */
    public JmsContext(Connection connection, int sessionMode, boolean ownsConnection) {
        this(new Shared(connection), sessionMode);
        if (!ownsConnection) {
            shared.users.incrementAndGet();
        }
    }

    JmsContext(Shared shared, int sessionMode) {
        checkSessionMode(sessionMode);
        this.shared = shared;
        this.sessionMode = sessionMode;
    }

    /** @throws JMSRuntimeException if {@code mode} is not a JMSContext session mode */
    static void checkSessionMode(int mode) {
        if (mode != JMSContext.AUTO_ACKNOWLEDGE && mode != JMSContext.CLIENT_ACKNOWLEDGE
                && mode != JMSContext.DUPS_OK_ACKNOWLEDGE && mode != JMSContext.SESSION_TRANSACTED) {
            throw new JMSRuntimeException("sessionMode: " + mode
                    + " (expected: AUTO_ACKNOWLEDGE, CLIENT_ACKNOWLEDGE, DUPS_OK_ACKNOWLEDGE or SESSION_TRANSACTED)");
        }
    }

    /** The runtime form of a JMSException, same message, error code and cause. */
    public static JMSRuntimeException toRuntime(JMSException e) {
        String m = e.getMessage();
        String c = e.getErrorCode();
        if (e instanceof IllegalStateException) {
            return new IllegalStateRuntimeException(m, c, e);
        } else if (e instanceof InvalidDestinationException) {
            return new InvalidDestinationRuntimeException(m, c, e);
        } else if (e instanceof InvalidSelectorException) {
            return new InvalidSelectorRuntimeException(m, c, e);
        } else if (e instanceof InvalidClientIDException) {
            return new InvalidClientIDRuntimeException(m, c, e);
        } else if (e instanceof JMSSecurityException) {
            return new JMSSecurityRuntimeException(m, c, e);
        } else if (e instanceof MessageFormatException) {
            return new MessageFormatRuntimeException(m, c, e);
        } else if (e instanceof MessageNotWriteableException) {
            return new MessageNotWriteableRuntimeException(m, c, e);
        } else if (e instanceof TransactionRolledBackException) {
            return new TransactionRolledBackRuntimeException(m, c, e);
        } else if (e instanceof jakarta.jms.TransactionInProgressException) {
            return new jakarta.jms.TransactionInProgressRuntimeException(m, c, e);
        } else if (e instanceof ResourceAllocationException) {
            return new ResourceAllocationRuntimeException(m, c, e);
        }
        return new JMSRuntimeException(m, c, e);
    }

    /** Something that may throw JMSException, run with the translation. */
    @FunctionalInterface
    interface JmsCall<T> {
        T call() throws JMSException;
    }

    static <T> T run(JmsCall<T> call) {
        try {
            return call.call();
        } catch (JMSException e) {
            throw toRuntime(e);
        }
    }

    private void checkClosed() {
        if (closed) {
            throw new IllegalStateRuntimeException("The context is closed");
        }
    }

    synchronized Session session() {
        checkClosed();
        if (session == null) {
            session = run(this::newSession);
        }
        return session;
    }

    /** Creates the context's session; an XA context creates an XA session. */
    Session newSession() throws JMSException {
        return shared.connection.createSession(sessionMode);
    }

    /** The connection this context uses. */
    Connection connection() {
        return shared.connection;
    }

    private void startIfAuto() {
        if (autoStart) {
            run(() -> {
                shared.connection.start();
                return null;
            });
        }
    }

    @Override
    public JMSContext createContext(int mode) {
        checkClosed();
        if (shared.connection instanceof JmsConnection c && c.isListenerThread()) {
            throw new IllegalStateRuntimeException("createContext is not allowed from a MessageListener");
        }
        shared.users.incrementAndGet();
        return new JmsContext(shared, mode);
    }

    @Override
    public JMSProducer createProducer() {
        return new JmsProducer(this, run(() -> session().createProducer(null)));
    }

    @Override
    public String getClientID() {
        checkClosed();
        return run(shared.connection::getClientID);
    }

    @Override
    public void setClientID(String clientID) {
        checkClosed();
        run(() -> {
            shared.connection.setClientID(clientID);
            return null;
        });
    }

    @Override
    public ConnectionMetaData getMetaData() {
        checkClosed();
        return run(shared.connection::getMetaData);
    }

    @Override
    public ExceptionListener getExceptionListener() {
        checkClosed();
        return run(shared.connection::getExceptionListener);
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        checkClosed();
        run(() -> {
            shared.connection.setExceptionListener(listener);
            return null;
        });
    }

    @Override
    public void start() {
        checkClosed();
        run(() -> {
            shared.connection.start();
            return null;
        });
    }

    @Override
    public void stop() {
        checkClosed();
        run(() -> {
            shared.connection.stop();
            return null;
        });
    }

    @Override
    public void setAutoStart(boolean autoStart) {
        checkClosed();
        this.autoStart = autoStart;
    }

    @Override
    public boolean getAutoStart() {
        checkClosed();
        return autoStart;
    }

    @Override
    public void close() {
        if (shared.connection instanceof JmsConnection c && (c.isListenerThread() || c.callbacksThread())) {
            throw new IllegalStateRuntimeException("a MessageListener or CompletionListener must not close its own context");
        }
        Session s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
        }
        run(() -> {
            if (s != null) {
                s.close();
            }
            if (shared.users.decrementAndGet() == 0) {
                shared.connection.close();
            }
            return null;
        });
    }

    @Override
    public BytesMessage createBytesMessage() {
        return run(() -> session().createBytesMessage());
    }

    @Override
    public MapMessage createMapMessage() {
        return run(() -> session().createMapMessage());
    }

    @Override
    public Message createMessage() {
        return run(() -> session().createMessage());
    }

    @Override
    public ObjectMessage createObjectMessage() {
        return run(() -> session().createObjectMessage());
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        return run(() -> session().createObjectMessage(object));
    }

    @Override
    public StreamMessage createStreamMessage() {
        return run(() -> session().createStreamMessage());
    }

    @Override
    public TextMessage createTextMessage() {
        return run(() -> session().createTextMessage());
    }

    @Override
    public TextMessage createTextMessage(String text) {
        return run(() -> session().createTextMessage(text));
    }

    @Override
    public boolean getTransacted() {
        return sessionMode == SESSION_TRANSACTED;
    }

    @Override
    public int getSessionMode() {
        checkClosed();
        return sessionMode;
    }

    @Override
    public void commit() {
        run(() -> {
            session().commit();
            return null;
        });
    }

    @Override
    public void rollback() {
        run(() -> {
            session().rollback();
            return null;
        });
    }

    @Override
    public void recover() {
        run(() -> {
            session().recover();
            return null;
        });
    }

    private JMSConsumer consumer(JmsCall<jakarta.jms.MessageConsumer> create) {
        JmsConsumer c = new JmsConsumer(run(create));
        startIfAuto();
        return c;
    }

    @Override
    public JMSConsumer createConsumer(Destination destination) {
        return consumer(() -> session().createConsumer(destination));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String selector) {
        return consumer(() -> session().createConsumer(destination, selector));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String selector, boolean noLocal) {
        return consumer(() -> session().createConsumer(destination, selector, noLocal));
    }

    @Override
    public Queue createQueue(String name) {
        return run(() -> session().createQueue(name));
    }

    @Override
    public Topic createTopic(String name) {
        return run(() -> session().createTopic(name));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name) {
        return consumer(() -> session().createDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String selector, boolean noLocal) {
        return consumer(() -> session().createDurableConsumer(topic, name, selector, noLocal));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        return consumer(() -> session().createSharedDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String selector) {
        return consumer(() -> session().createSharedDurableConsumer(topic, name, selector));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String name) {
        return consumer(() -> session().createSharedConsumer(topic, name));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String name, String selector) {
        return consumer(() -> session().createSharedConsumer(topic, name, selector));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) {
        QueueBrowser b = run(() -> session().createBrowser(queue));
        startIfAuto();
        return b;
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String selector) {
        QueueBrowser b = run(() -> session().createBrowser(queue, selector));
        startIfAuto();
        return b;
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        return run(() -> session().createTemporaryQueue());
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        return run(() -> session().createTemporaryTopic());
    }

    @Override
    public void unsubscribe(String name) {
        run(() -> {
            session().unsubscribe(name);
            return null;
        });
    }

    @Override
    public void acknowledge() {
        checkClosed();
        if (sessionMode != CLIENT_ACKNOWLEDGE) {
            return;
        }
        Session s = session();
        run(() -> {
            if (s instanceof JmsSession js) {
                js.acknowledgeAll();
            }
            return null;
        });
    }
}
