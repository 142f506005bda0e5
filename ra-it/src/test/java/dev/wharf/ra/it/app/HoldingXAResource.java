package dev.wharf.ra.it.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A second resource in a transaction, enlisted after the Wharf connection, so the transaction
 * manager prepares Wharf first: its prepare writes {@code prepared} into the marker directory and
 * waits (at most 60 s) for the test to write {@code go} after it killed the broker. Its own
 * branch has nothing to do.
 */
final class HoldingXAResource implements XAResource {

    private final Path dir;

    HoldingXAResource(Path dir) {
        this.dir = dir;
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("prepared"), "prepared");
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.exists(dir.resolve("go")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return XA_OK;
    }

    @Override
    public void start(Xid xid, int flags) {
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
    }

    @Override
    public void rollback(Xid xid) {
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return true;
    }
}
