package dev.wharf.ra;

import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * Plays the EJB container for MDB delivery: with {@code transacted}, beforeDelivery starts an XA
 * branch on the adapter's XAResource and afterDelivery commits it in one phase, or rolls it back
 * if onMessage threw, as a container-managed REQUIRED transaction does.
 */
final class FakeEndpointFactory implements MessageEndpointFactory {

    final boolean transacted;
    final MessageListener bean;
    final List<FakeEndpoint> endpoints = new CopyOnWriteArrayList<>();
    /** Deliveries whose transaction committed. */
    final java.util.concurrent.atomic.AtomicInteger committed = new java.util.concurrent.atomic.AtomicInteger();

    FakeEndpointFactory(boolean transacted, MessageListener bean) {
        this.transacted = transacted;
        this.bean = bean;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource) throws UnavailableException {
        FakeEndpoint e = new FakeEndpoint(xaResource);
        endpoints.add(e);
        return e;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource, long timeout) throws UnavailableException {
        return createEndpoint(xaResource);
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return transacted;
    }

    @Override
    public String getActivationName() {
        return "fake-mdb";
    }

    @Override
    public Class<?> getEndpointClass() {
        return bean.getClass();
    }

    final class FakeEndpoint implements MessageEndpoint, MessageListener {
        private final XAResource xa;
        private Xid current;
        private boolean failed;
        volatile boolean released;

        FakeEndpoint(XAResource xa) {
            this.xa = xa;
        }

        @Override
        public void beforeDelivery(Method method) throws ResourceException {
            failed = false;
            if (transacted) {
                current = TestXid.next();
                try {
                    xa.start(current, XAResource.TMNOFLAGS);
                } catch (XAException e) {
                    throw new ResourceException("start: " + e.errorCode, e);
                }
            }
        }

        @Override
        public void onMessage(Message message) {
            try {
                bean.onMessage(message);
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void afterDelivery() throws ResourceException {
            if (!transacted) {
                return;
            }
            try {
                if (failed) {
                    try {
                        xa.end(current, XAResource.TMFAIL);
                    } catch (XAException e) {
                        if (e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND) {
                            // The resource rolled the branch back already, as XA allows for TMFAIL.
                            return;
                        }
                        throw e;
                    }
                    xa.rollback(current);
                } else {
                    xa.end(current, XAResource.TMSUCCESS);
                    xa.commit(current, true);
                    committed.incrementAndGet();
                }
            } catch (XAException e) {
                throw new ResourceException("end/complete: " + e.errorCode, e);
            }
        }

        @Override
        public void release() {
            released = true;
        }
    }
}
