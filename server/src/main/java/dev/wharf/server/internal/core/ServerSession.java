package dev.wharf.server.internal.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The broker side of a JMS session: its acknowledgement mode, its consumers and, when
 * transacted, the sends staged until COMMIT. Unacknowledged deliveries are kept by the
 * connection (keyed by delivery id) with a pointer to their session.
 *
 * <p>Not thread-safe; confined to the broker thread.
 */
public final class ServerSession {

    /** jakarta.jms.Session.SESSION_TRANSACTED. */
    public static final int SESSION_TRANSACTED = 0;

    private final long id;
    private final int ackMode;
    private final Set<Long> consumerIds = new LinkedHashSet<>();
    private final Set<Long> producerIds = new LinkedHashSet<>();
    private final Set<Long> browserIds = new LinkedHashSet<>();
    private final List<StoredMessage> staged = new ArrayList<>();
    /** The XA branch the session works for (XA START .. END), or null. */
    private dev.wharf.protocol.WireXid xid;
    /** The XA branch that ended (rolled back) while the session was still active in it, until the session ends it too; or null. */
    private dev.wharf.protocol.WireXid abandonedXid;

    public ServerSession(long id, int ackMode) {
        this.id = id;
        this.ackMode = ackMode;
    }

    public long id() {
        return id;
    }

    public int ackMode() {
        return ackMode;
    }

    public boolean isTransacted() {
        return ackMode == SESSION_TRANSACTED;
    }

    public Set<Long> consumerIds() {
        return consumerIds;
    }

    public Set<Long> producerIds() {
        return producerIds;
    }

    public Set<Long> browserIds() {
        return browserIds;
    }

    public dev.wharf.protocol.WireXid xid() {
        return xid;
    }

    public void xid(dev.wharf.protocol.WireXid value) {
        xid = value;
    }

    public dev.wharf.protocol.WireXid abandonedXid() {
        return abandonedXid;
    }

    public void abandonedXid(dev.wharf.protocol.WireXid value) {
        abandonedXid = value;
    }

    /** Sends staged in the open transaction, in send order. */
    public List<StoredMessage> staged() {
        return staged;
    }

    /** Takes the staged sends, leaving the transaction empty. */
    public List<StoredMessage> takeStaged() {
        List<StoredMessage> out = new ArrayList<>(staged);
        staged.clear();
        return out;
    }
}
