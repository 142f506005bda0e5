package dev.wharf.ra;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One concurrent consumer of an activation: a session, its consumer, and the message endpoint it
 * delivers to.
 *
 * <p>Transacted delivery: the session is an {@link XASession} whose XAResource is given to
 * {@code createEndpoint}; {@code beforeDelivery} makes the container start the MDB's transaction
 * and enlist it, and {@code afterDelivery} ends and completes it. The Wharf client counts a
 * message a listener is handling into the XA branch ended during its onMessage, so the message's
 * acknowledgement commits or rolls back with the MDB's transaction: a rollback returns it to the
 * queue (redelivered; past the broker's max-delivery-attempts, to the dead-letter queue). If the
 * container never started a branch for a delivery, the message is returned through a branch of
 * our own that is rolled back.
 *
 * <p>Non-transacted delivery: an AUTO_ACKNOWLEDGE (or DUPS_OK) session; the client acknowledges
 * after onMessage returns and redelivers if it throws.
 *
 * <p>Thread rules: {@link #onMessage} runs on the session's delivery thread, one message at a
 * time, as does everything that touches the endpoint; {@link #release()} runs after the
 * connection is closed, when no delivery is running.
 */
final class InboundSession implements MessageListener {

    private static final Logger LOG = LoggerFactory.getLogger(InboundSession.class);
    /** Format id of the branches this class starts itself (to return a message), "WRA1". */
    private static final int OWN_FORMAT_ID = 0x57524131;

    private final MessageEndpointFactory factory;
    private final WharfActivationSpec spec;
    private final Destination destination;
    private final boolean transacted;
    private final int index;
    private Session session;
    private XAResource xaResource;
    private volatile MessageEndpoint endpoint;

    InboundSession(MessageEndpointFactory factory, WharfActivationSpec spec, Destination destination, boolean transacted,
                   int index) {
        this.factory = factory;
        this.spec = spec;
        this.destination = destination;
        this.transacted = transacted;
        this.index = index;
    }

    /** On the connecting thread: creates the session, the endpoint and the consumer. */
    void open(Connection c) throws JMSException, ResourceException {
        if (transacted) {
            XASession xs = ((XAConnection) c).createXASession();
            session = xs;
            xaResource = new BranchTrackingXAResource(xs.getXAResource());
        } else {
            session = c.createSession(false, spec.ackMode());
        }
        try {
            endpoint = factory.createEndpoint(xaResource);
        } catch (UnavailableException e) {
            throw new ResourceException("the container has no endpoint for " + destination + " yet: " + e.getMessage(), e);
        }
        MessageConsumer consumer = createConsumer();
        consumer.setMessageListener(this);
    }

    private MessageConsumer createConsumer() throws JMSException {
        String selector = ConnectionSettings.firstSet(spec.getMessageSelector());
        if (destination instanceof Queue) {
            return session.createConsumer(destination, selector);
        }
        Topic t = (Topic) destination;
        String name = ConnectionSettings.firstSet(spec.getSubscriptionName());
        if (Boolean.TRUE.equals(spec.durable())) {
            return spec.isShareSubscriptions() ? session.createSharedDurableConsumer(t, name, selector)
                    : session.createDurableConsumer(t, name, selector, false);
        }
        return spec.isShareSubscriptions() ? session.createSharedConsumer(t, name, selector) : session.createConsumer(t, selector);
    }

    /** On the session's delivery thread. */
    @Override
    public void onMessage(Message message) {
        MessageEndpoint e = endpoint;
        if (e == null) {
            throw new IllegalStateException("the endpoint of " + destination + " was released; the message will be redelivered");
        }
        if (!transacted) {
            // An exception goes back to the client, which redelivers the message.
            ((MessageListener) e).onMessage(message);
            return;
        }
        BranchTrackingXAResource tracking = (BranchTrackingXAResource) xaResource;
        tracking.deliveryStarts();
        try {
            e.beforeDelivery(WharfActivation.ON_MESSAGE);
        } catch (NoSuchMethodException | ResourceException | RuntimeException ex) {
            LOG.warn("The container could not start a transaction for a message from {} (session {}); it will be redelivered",
                    destination, index, ex);
            returnMessage();
            return;
        }
        try {
            ((MessageListener) e).onMessage(message);
        } catch (RuntimeException ex) {
            // The container has marked the transaction for rollback; afterDelivery rolls it back.
            LOG.debug("onMessage threw for a message from {}: {}", destination, ex.toString());
        } finally {
            try {
                e.afterDelivery();
            } catch (ResourceException | RuntimeException ex) {
                LOG.warn("afterDelivery failed for a message from {} (session {})", destination, index, ex);
            }
        }
        if (!tracking.branchStartedDuringDelivery()) {
            LOG.warn("The container delivered a message from {} without starting an XA branch on the adapter's"
                    + " XAResource; returning it to the queue", destination);
            returnMessage();
        }
    }

    /**
     * Rolls back a branch of our own that holds just the message being delivered, so the broker
     * returns it (marked redelivered). Without it the XA session would acknowledge it on its own.
     */
    private void returnMessage() {
        Xid xid = ownXid();
        XAResource raw = ((BranchTrackingXAResource) xaResource).delegate();
        try {
            raw.start(xid, XAResource.TMNOFLAGS);
            try {
                raw.end(xid, XAResource.TMFAIL);
            } catch (XAException ex) {
                if (ex.errorCode >= XAException.XA_RBBASE && ex.errorCode <= XAException.XA_RBEND) {
                    // XA lets a resource roll a TMFAIL branch back at once: done.
                    return;
                }
                throw ex;
            }
            raw.rollback(xid);
        } catch (XAException ex) {
            LOG.warn("Could not return a message to {} (XA error {}); the broker redelivers it when the connection closes",
                    destination, ex.errorCode, ex);
        }
    }

    private static Xid ownXid() {
        UUID u = UUID.randomUUID();
        byte[] g = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        byte[] b = "wharf-ra".getBytes(StandardCharsets.US_ASCII);
        return new Xid() {
            @Override
            public int getFormatId() {
                return OWN_FORMAT_ID;
            }

            @Override
            public byte[] getGlobalTransactionId() {
                return g.clone();
            }

            @Override
            public byte[] getBranchQualifier() {
                return b.clone();
            }
        };
    }

    /** After the connection closed: hands the endpoint back to the container. */
    void release() {
        MessageEndpoint e = endpoint;
        endpoint = null;
        if (e != null) {
            try {
                e.release();
            } catch (RuntimeException ex) {
                LOG.debug("releasing an endpoint of {}: {}", destination, ex.toString());
            }
        }
    }
}
