package dev.wharf.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A minimal container pool: reuses a managed connection once the handle on it is closed. Thread-safe (synchronized). */
final class TestPool implements ConnectionManager, ConnectionEventListener {

    private static final long serialVersionUID = 1L;

    final List<ManagedConnection> created = new ArrayList<>();
    final Set<ManagedConnection> free = new HashSet<>();
    final List<ManagedConnection> errors = new ArrayList<>();

    @Override
    public synchronized Object allocateConnection(ManagedConnectionFactory mcf, ConnectionRequestInfo cri) throws ResourceException {
        ManagedConnection mc = mcf.matchManagedConnections(new HashSet<>(free), null, cri);
        if (mc == null) {
            mc = mcf.createManagedConnection(null, cri);
            mc.addConnectionEventListener(this);
            created.add(mc);
        } else {
            free.remove(mc);
        }
        return mc.getConnection(null, cri);
    }

    @Override
    public synchronized void connectionClosed(ConnectionEvent event) {
        ManagedConnection mc = (ManagedConnection) event.getSource();
        try {
            mc.cleanup();
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
        free.add(mc);
    }

    @Override
    public synchronized void connectionErrorOccurred(ConnectionEvent event) {
        errors.add((ManagedConnection) event.getSource());
    }

    @Override
    public void localTransactionStarted(ConnectionEvent event) {
    }

    @Override
    public void localTransactionCommitted(ConnectionEvent event) {
    }

    @Override
    public void localTransactionRolledback(ConnectionEvent event) {
    }

    synchronized void destroyAll() throws ResourceException {
        for (ManagedConnection mc : created) {
            mc.destroy();
        }
    }
}
