package dev.wharf.jms;

import dev.wharf.jms.message.JmsMessage;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.BrowseBatchFrame;
import dev.wharf.protocol.frame.BrowseNextFrame;
import dev.wharf.protocol.frame.CloseBrowserFrame;
import dev.wharf.protocol.frame.CreateBrowserFrame;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import java.util.ArrayDeque;
import java.util.Enumeration;
import java.util.NoSuchElementException;

/**
 * A queue browser. Each {@link #getEnumeration()} opens its own cursor at the broker and reads
 * the queue in batches, in queue order, without consuming. Not thread-safe (a session's object).
 */
public class JmsQueueBrowser implements QueueBrowser {

    private static final int BATCH = 100;

    private final JmsSession session;
    private final Queue queue;
    private final String selector;
    private volatile boolean closed;

    JmsQueueBrowser(JmsSession session, Queue queue, String selector) {
        this.session = session;
        this.queue = queue;
        this.selector = selector == null || selector.isBlank() ? null : selector;
    }

    /** Checks the queue and selector at once, as JMS requires of createBrowser. */
    void validate() throws JMSException {
        long browserId = open();
        close(browserId);
    }

    private long open() throws JMSException {
        JmsConnection c = session.connection();
        long browserId = c.nextId();
        c.call(new CreateBrowserFrame(session.id(), browserId, ((JmsDestination) queue).toWire(), selector),
                JmsConnection.AfterFailover.FAIL, "CREATE_BROWSER");
        return browserId;
    }

    private void close(long browserId) throws JMSException {
        JmsConnection c = session.connection();
        c.call(new CloseBrowserFrame(browserId), JmsConnection.AfterFailover.DONE, "CLOSE_BROWSER");
    }

    private void checkClosed() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("The browser is closed");
        }
        session.checkClosed();
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkClosed();
        return queue;
    }

    @Override
    public String getMessageSelector() throws JMSException {
        checkClosed();
        return selector;
    }

    @Override
    public Enumeration<Message> getEnumeration() throws JMSException {
        checkClosed();
        return new Cursor(open());
    }

    @Override
    public void close() throws JMSException {
        closed = true;
        session.remove(this);
    }

    void closeQuietly() {
        closed = true;
    }

    /** Reads batches on demand; closes its broker-side cursor when the end is reached. */
    private final class Cursor implements Enumeration<Message> {
        private final long browserId;
        private final ArrayDeque<WireMessage> batch = new ArrayDeque<>();
        private boolean more = true;

        Cursor(long browserId) {
            this.browserId = browserId;
        }

        @Override
        public boolean hasMoreElements() {
            fill();
            return !batch.isEmpty();
        }

        @Override
        public Message nextElement() {
            fill();
            WireMessage w = batch.poll();
            if (w == null) {
                throw new NoSuchElementException("no more messages in " + queue);
            }
            JmsMessage m = JmsMessage.fromWire(w, 1);
            Object omitted = w.properties().get(dev.wharf.protocol.WharfProperties.LARGE_BODY_OMITTED);
            if (omitted != null && m instanceof dev.wharf.jms.message.JmsBytesMessage b) {
                b.bodyUnavailable("the body of this large message (" + omitted + " bytes) is not sent to a QueueBrowser;"
                        + " receive the message to read it");
            }
            return m;
        }

        private void fill() {
            if (!batch.isEmpty() || !more || closed || session.isClosed()) {
                return;
            }
            try {
                JmsConnection c = session.connection();
                BrowseBatchFrame b = (BrowseBatchFrame) c.call(new BrowseNextFrame(browserId, BATCH),
                        JmsConnection.AfterFailover.FAIL, "BROWSE_NEXT");
                batch.addAll(b.messages());
                more = b.more();
                if (!more) {
                    close(browserId);
                }
            } catch (JMSException e) {
                more = false;
                throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
            }
        }
    }
}
