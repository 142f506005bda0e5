package dev.wharf.jms;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XASession;
import javax.transaction.xa.XAResource;

/** A JMSContext whose work a transaction manager commits through {@link #getXAResource()}. */
final class JmsXAContext extends JmsContext implements XAJMSContext {

    JmsXAContext(XAConnection connection) {
        super(connection, JMSContext.SESSION_TRANSACTED, true);
    }

    @Override
    Session newSession() throws JMSException {
        return ((XAConnection) connection()).createXASession();
    }

    @Override
    public JMSContext getContext() {
        session();
        return this;
    }

    @Override
    public XAResource getXAResource() {
        return ((XASession) session()).getXAResource();
    }
}
