package dev.wharf.benchmarks.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor of a synchronous persistent send over TCP on this machine: the least any broker has
 * to do for one, and nothing more. Run in its own JVM like the brokers. Each connection has its
 * own thread, blocking on its socket: it reads a record ({@code int} length, big-endian, then that
 * many bytes), makes it durable, and answers one byte. Durable means written to a pre-allocated
 * file and forced ({@code FileChannel.force(false)}), with group commit by leader and followers
 * (see {@link #commit}): a single connection forces on its own thread with no hand-off at all.
 *
 * <p>What it leaves out, and a broker cannot: a message format, routing, a queue, delivery to
 * consumers, acknowledgements, an index for recovery, a thread that is not the connection's.
 * Its rate is an upper bound for a broker's synchronous sends on the same disk and CPUs.
 *
 * <p>Usage: {@code FloorServer <port> <dir>}; prints {@link #READY} when it accepts connections.
 * Threads: one per connection and the accept loop (main); the group-commit state is guarded by
 * {@code lock}.
 */
public final class FloorServer {
    static final String READY = "Floor server ready";
    /** The file wraps around at this size: pre-allocated, so a write never grows it. */
    private static final long FILE_SIZE = 64L << 20;

    private final FileChannel file;
    private final Object lock = new Object();
    // Guarded by lock.
    private List<Pending> queued = new ArrayList<>();
    private boolean forcing;
    /** Written under lock before the waiters are woken; read by them after. */
    private volatile IOException failure;
    // Confined to the leader of the moment (the lock hands it over).
    private long position;

    private FloorServer(FileChannel file) {
        this.file = file;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FloorServer <port> <dir>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        FloorServer server = new FloorServer(preallocate(dir.resolve("floor.bin")));
        try (ServerSocketChannel accept = ServerSocketChannel.open()) {
            accept.bind(new InetSocketAddress("localhost", port));
            System.out.println(READY);
            System.out.flush();
            while (true) {
                SocketChannel s = accept.accept();
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Thread t = new Thread(() -> server.serve(s), "floor-" + s.getRemoteAddress());
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static FileChannel preallocate(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < FILE_SIZE; at += zeros.capacity()) {
            zeros.clear();
            while (zeros.hasRemaining()) {
                ch.write(zeros, at + zeros.position());
            }
        }
        ch.force(true);
        return ch;
    }

    private void serve(SocketChannel s) {
        ByteBuffer length = ByteBuffer.allocate(4);
        ByteBuffer ok = ByteBuffer.allocate(1);
        try (s) {
            while (true) {
                length.clear();
                readFully(s, length);
                ByteBuffer record = ByteBuffer.allocate(length.flip().getInt() + 4);
                record.putInt(record.capacity() - 4);
                readFully(s, record);
                record.flip();
                commit(record);
                ok.clear();
                while (ok.hasRemaining()) {
                    s.write(ok);
                }
            }
        } catch (EOFException e) {
            // The client closed: done.
        } catch (IOException e) {
            System.err.println("floor: " + e);
        }
    }

    private static void readFully(SocketChannel s, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (s.read(b) < 0) {
                throw new EOFException();
            }
        }
    }

    /** A record waiting to be forced, and the thread that waits for it. */
    private static final class Pending {
        final ByteBuffer record;
        final Thread thread = Thread.currentThread();
        // Written under lock (or by the leader before it unparks), read by the waiting thread.
        volatile boolean done;
        volatile boolean lead;

        Pending(ByteBuffer record) {
            this.record = record;
        }
    }

    /**
     * Returns once {@code record} is forced to disk, by this thread or by another. The thread that
     * finds no force under way leads: it writes every queued record, forces once, wakes each
     * waiting thread whose record that force covered, and hands the lead to the oldest thread
     * still waiting. Every wake-up is aimed at one thread: nobody wakes only to wait again.
     */
    private void commit(ByteBuffer record) throws IOException {
        Pending me = new Pending(record);
        synchronized (lock) {
            queued.add(me);
            if (!forcing) {
                forcing = true;
                me.lead = true;
            }
        }
        while (!me.done && !me.lead) {
            LockSupport.park(this);
        }
        if (me.done) {
            if (failure != null) {
                throw failure;
            }
            return;
        }
        List<Pending> batch;
        synchronized (lock) {
            batch = queued;
            queued = new ArrayList<>();
        }
        IOException failed = null;
        try {
            for (Pending p : batch) {
                ByteBuffer b = p.record;
                if (position + b.remaining() > FILE_SIZE) {
                    position = 0;
                }
                while (b.hasRemaining()) {
                    position += file.write(b, position);
                }
            }
            // The force is the commit point: every record of the batch is answered after it.
            file.force(false);
        } catch (IOException e) {
            failed = e;
        }
        synchronized (lock) {
            if (failed != null) {
                // Every record of the batch is lost: fail this and every later commit.
                failure = failed;
            }
            for (Pending p : batch) {
                p.done = true;
                if (p != me) {
                    LockSupport.unpark(p.thread);
                }
            }
            if (queued.isEmpty()) {
                forcing = false;
            } else {
                Pending next = queued.get(0);
                next.lead = true;
                LockSupport.unpark(next.thread);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
