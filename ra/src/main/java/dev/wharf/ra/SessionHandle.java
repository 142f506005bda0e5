package dev.wharf.ra;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TopicSession;
import jakarta.jms.TransactionInProgressException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The session an application gets from a {@link WharfConnectionHandle}: a dynamic proxy over the
 * session {@link WharfManagedConnection#sessionFor} chose. Every Session method goes to that
 * session except these:
 * <ul>
 *   <li>{@code close()} closes the producers, consumers and browsers made through this handle,
 *       and the session itself only if the handle owns it (not the managed connection's XA or
 *       local-transaction session, which serve the next user of the pooled connection);</li>
 *   <li>in a container-managed transaction {@code commit()}, {@code rollback()} and
 *       {@code recover()} throw {@code TransactionInProgressException}: the transaction manager
 *       decides;</li>
 *   <li>{@code setMessageListener} and {@code run} throw: Jakarta EE forbids them in a container.</li>
 * </ul>
 * A proxy keeps this wrapper to those rules instead of forty delegating methods.
 *
 * <p>For one application thread at a time, like any session; {@link #closeQuietly()} may come
 * from the container's cleanup thread after the application is done.
 */
final class SessionHandle implements InvocationHandler {

    private final WharfManagedConnection.SessionChoice choice;
    private final WharfConnectionHandle connection;
    /** Producers, consumers and browsers made through this handle; closed with it. */
    private final List<AutoCloseable> children = new CopyOnWriteArrayList<>();
    private final Session proxy;
    private volatile boolean closed;

    SessionHandle(WharfManagedConnection.SessionChoice choice, WharfConnectionHandle connection) {
        this.choice = choice;
        this.connection = connection;
        this.proxy = (Session) Proxy.newProxyInstance(SessionHandle.class.getClassLoader(),
                new Class<?>[] {Session.class, QueueSession.class, TopicSession.class}, this);
    }

    Session proxy() {
        return proxy;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "equals" -> self == args[0];
                case "hashCode" -> System.identityHashCode(self);
                default -> "WharfSessionHandle[" + choice.session() + (closed ? ", closed" : "") + "]";
            };
        }
        if (name.equals("close")) {
            close();
            return null;
        }
        if (closed) {
            throw new IllegalStateException("The session is closed");
        }
        switch (name) {
            case "commit", "rollback", "recover" -> {
                if (choice.managed()) {
                    throw new TransactionInProgressException(name + " is not allowed in a transaction the container"
                            + " manages; the transaction manager commits or rolls back");
                }
            }
            case "setMessageListener", "run" -> throw new IllegalStateException(name
                    + " is not allowed on a session of a Jakarta EE container; use a message-driven bean");
            case "getMessageListener" -> {
                return null;
            }
            default -> {
            }
        }
        Object result;
        try {
            result = method.invoke(choice.session(), args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (result instanceof jakarta.jms.MessageProducer || result instanceof jakarta.jms.MessageConsumer
                || result instanceof jakarta.jms.QueueBrowser) {
            children.add((AutoCloseable) result);
        }
        return result;
    }

    private void close() throws JMSException {
        if (closed) {
            return;
        }
        closed = true;
        JMSException first = null;
        for (AutoCloseable c : children) {
            try {
                c.close();
            } catch (JMSException e) {
                first = first == null ? e : first;
            } catch (Exception e) {
                first = first == null ? new JMSException(e.toString()) : first;
            }
        }
        children.clear();
        if (choice.owned()) {
            try {
                choice.session().close();
            } catch (JMSException e) {
                first = first == null ? e : first;
            }
        }
        connection.sessionClosed(this);
        if (first != null) {
            throw first;
        }
    }

    void closeQuietly() {
        try {
            close();
        } catch (JMSException e) {
            // The pool cleans up; nothing the application can do.
        }
    }
}
