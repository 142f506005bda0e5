package dev.wharf.server.internal.store;

import java.nio.file.Path;

/**
 * The body of a large message, in its own file {@code large/<fileId>.msg} under the data
 * directory. One file serves every copy of the message the broker holds (the subscriptions of a
 * topic share one {@code StoredMessage}; a dead-letter or expiry move makes a second one that
 * shares the file): {@link #acquire()} and {@link #release()} count those holders, and the last
 * release deletes the file.
 *
 * <p>Not thread-safe; the holder count is confined to the broker thread. The path and length
 * never change, so the I/O thread may read the file while it is held.
 */
public final class LargeBody {

    private final LargeMessageStore store;
    private final long fileId;
    private final long length;
    private int holders = 1;

    LargeBody(LargeMessageStore store, long fileId, long length) {
        this.store = store;
        this.fileId = fileId;
        this.length = length;
    }

    /** The id in the file name; the journal's LARGE_MESSAGE record names the body by it. */
    public long fileId() {
        return fileId;
    }

    /** The body's length in bytes. */
    public long length() {
        return length;
    }

    /** The file. */
    public Path path() {
        return store.path(fileId);
    }

    /** One more message holds this body. */
    public void acquire() {
        if (holders <= 0) {
            throw new IllegalStateException("large message body " + fileId + " was already deleted");
        }
        holders++;
    }

    /** One message holding this body is gone; the last one deletes the file (on the I/O thread). */
    public void release() {
        if (holders <= 0) {
            throw new IllegalStateException("large message body " + fileId + " released more often than held");
        }
        if (--holders == 0) {
            store.delete(fileId);
        }
    }

    /** Whether the file is still wanted (tests). */
    public boolean isHeld() {
        return holders > 0;
    }

    @Override
    public String toString() {
        return "LargeBody[" + fileId + ", " + length + " bytes]";
    }
}
