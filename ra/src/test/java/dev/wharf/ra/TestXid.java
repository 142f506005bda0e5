package dev.wharf.ra;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.Xid;

/** An Xid for tests, unique per instance. */
record TestXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {

    private static final AtomicInteger NEXT = new AtomicInteger();

    static TestXid next() {
        String id = "test-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet() + "-" + System.nanoTime();
        return new TestXid(4711, id.getBytes(StandardCharsets.US_ASCII), new byte[] {1});
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return bqual.clone();
    }
}
