package dev.wharf.ra;

import jakarta.jms.JMSException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;

/**
 * A local transaction the container demarcates on a {@link WharfManagedConnection} (a pool with
 * transaction support LocalTransaction): the connection's transacted session commits or rolls
 * back. Thread rules as its connection's.
 */
final class WharfLocalTransaction implements LocalTransaction {

    private final WharfManagedConnection connection;

    WharfLocalTransaction(WharfManagedConnection connection) {
        this.connection = connection;
    }

    @Override
    public void begin() throws ResourceException {
        try {
            connection.beginLocal();
        } catch (JMSException e) {
            throw new LocalTransactionException("begin: " + e.getMessage(), e);
        }
    }

    @Override
    public void commit() throws ResourceException {
        try {
            connection.endLocal(true);
        } catch (JMSException e) {
            throw new LocalTransactionException("commit: " + e.getMessage(), e);
        }
    }

    @Override
    public void rollback() throws ResourceException {
        try {
            connection.endLocal(false);
        } catch (JMSException e) {
            throw new LocalTransactionException("rollback: " + e.getMessage(), e);
        }
    }
}
