package dev.wharf.jms.internal;

import dev.wharf.protocol.FrameDecoder;
import dev.wharf.protocol.FrameEncoder;
import dev.wharf.protocol.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The TCP socket under a {@link Transport}: frames go out through a write queue, and come in
 * through whichever thread holds the <em>read role</em>.
 *
 * <p><b>Why not an event loop.</b> A synchronous request through an I/O thread crosses threads
 * four times on the client alone: the application hands the frame to the I/O thread, which
 * writes it, and the I/O thread hands the answer back. On a small VM each crossing is a wake-up
 * of another vCPU, 30-50 µs; a probe of a synchronous round trip to a server that only forces
 * did 60-70 % more round trips per second when the waiting thread wrote and read the socket
 * itself than through Netty's epoll loop, and a hand-off on either side alone lost nearly all
 * of that. So the thread that is going to wait for an answer does both, and a thread of the
 * connection does what nobody waits for.
 *
 * <p><b>Writing.</b> {@link #write} queues a packet. A thread about to wait for an answer
 * ({@code here}) then writes the whole queue itself; otherwise the connection's writer thread is
 * woken and writes everything queued, many frames per system call (what asynchronous sends and
 * acknowledgements need to be fast). A packet that may wait a little ({@link #writeLazily}: an
 * acknowledgement nobody waits for) wakes nobody when the role (below) is free or the caller's:
 * the role's holder writes the queue before it waits for the socket or leaves the role.
 * {@code writeLock} keeps frames whole and in queue order, whoever writes them.
 *
 * <p><b>Reading.</b> One thread at a time holds the read role, and only it reads the socket,
 * decodes and hands frames to the {@link Handler}, in order: the connection's reader thread, or
 * an application thread in {@link #readUntil} waiting for an answer (a synchronous send, a
 * commit) or a delivery (a consumer's {@code receive()}). Taking and leaving the role goes
 * through {@code roleLock}, which also orders all a holder did before the next holder's work. A
 * waiting thread that finds the role free takes it; held by the reader thread, it asks for it
 * ({@link Selector#wakeup}); held by another waiting thread, it waits its usual way for that
 * thread to read what it waits for. A waiting thread whose wait is over leaves the role:
 * <ul>
 *   <li>if a thread waits for frames it does not read itself (a {@code receive()} while another
 *       thread reads, a MessageListener, a producer held back by a full address) or more bytes may
 *       be waiting, the reader thread is signalled and takes the role at once;</li>
 *   <li>else the role stays free: the reader thread takes it back once it has been free for
 *       {@link #STICKY_NANOS}, so that a synchronous producer's next send, or a consumer's next
 *       receive, finds the role free and wakes no thread. The leaving thread signals the reader
 *       thread to start that clock only if answers are still outstanding (they must be read
 *       soon); if none are, the reader thread finds out by itself within
 *       {@link #IDLE_CHECK_NANOS}, unless a request nobody will wait for is written before then,
 *       which signals it ({@link #write}).</li>
 * </ul>
 * While a waiting thread holds the role the reader thread sleeps (it used to look every
 * millisecond while answers were outstanding: with sixteen synchronous producers, each on its
 * own connection, sixteen threads woke a thousand times a second each to find the role still
 * held).
 *
 * <p>Thread-safe. Threads: one reader and one writer per connection (daemons, ended by
 * {@link #close}). The handler is called by the role's holder, one call at a time.
 */
final class ClientSocket {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClientSocket.class);
    /** How long the read role stays free after a waiting thread left it before the reader thread takes it back. */
    static final long STICKY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * How often the reader thread looks whether a waiting thread left the role, while one holds
     * it. A thread that leaves it signals when anything waits for frames, so this bounds only how
     * late frames nobody waits for are read (and a closed socket noticed).
     */
    static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Encoded bytes above which the writer writes before it encodes more. */
    private static final int WRITE_BATCH = 256 * 1024;
    /** Room made in the read buffer before each read. */
    private static final int READ_CHUNK = 64 * 1024;

    /** What the socket hands up; called by the holder of the read role, one call at a time. */
    interface Handler {
        /** A decoded {@link Packet} or {@link dev.wharf.protocol.MalformedFrame}. */
        void frame(Object msg);

        /** The socket is closed; called once, after every frame read before. */
        void closed();

        /** A packet that was queued and never written (the socket closed first). */
        void unsent(Packet packet);

        /** Whether a thread waits for frames it does not read itself (so the reader thread should read at once). */
        boolean expectsFrames();

        /** Whether requests are unanswered (their answers should be read soon, if not at once). */
        boolean answersOutstanding();

        /** Whether frames are being handled elsewhere for now (large deliveries): then only the reader thread reads. */
        boolean diverting();
    }

    private final SocketChannel socket;
    private final Selector selector;
    private final String address;
    private volatile Handler handler;

    // ---- writing ----
    private final ConcurrentLinkedQueue<Packet> outbound = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guarded by writeLock: encoded bytes not yet on the socket. */
    private ByteBuf writeBuffer;
    /** Guarded by writeLock: created the first time the socket's send buffer is full. */
    private Selector writeSelector;
    private final AtomicBoolean writerWanted = new AtomicBoolean();
    /** Set by {@link #writeLazily}: the role's holder writes the queue before it waits for the socket or leaves. */
    private volatile boolean lazyQueued;
    private final Thread writer;
    /** Last time bytes went out; written by whoever writes, read by the heartbeat. */
    private volatile long lastWriteNanos = System.nanoTime();

    // ---- reading ----
    private final ReentrantLock roleLock = new ReentrantLock();
    /** Signalled when the role is left, or the reader thread is wanted. */
    private final Condition roleChanged = roleLock.newCondition();
    /** Written under roleLock: the thread holding the read role, or null. */
    private volatile Thread owner;
    /** Written under roleLock; read by the reader thread between selects. */
    private volatile int callersWaiting;
    /** Guarded by roleLock: when the role was last left by a waiting thread. */
    private long releasedAt;
    /** Guarded by roleLock: the reader thread should take the role as soon as it is free. */
    private boolean readerWanted;
    /**
     * Written under roleLock by the reader thread: it sleeps for {@link #IDLE_CHECK_NANOS} because
     * a waiting thread held the role when it looked; a request nobody waits for, written once the
     * role is free, wakes it.
     */
    private volatile boolean readerDozing;
    private final Thread reader;
    /** Confined to the role's holder: bytes read and not yet decoded. */
    private ByteBuf readBuffer;
    /** Confined to the role's holder. */
    private final FrameDecoder decoder = new FrameDecoder(Integer.MAX_VALUE);
    private final List<Object> decoded = new ArrayList<>();
    /** Confined to the role's holder: the last read filled the buffer, so more may be waiting. */
    private boolean moreMaybe;
    /** Set by the holder that finds the socket closed, after the handler heard of it. */
    private volatile boolean closeHandled;
    /** Set by {@link #pause}, cleared by {@link #resume}: nobody reads. */
    private volatile boolean paused;
    private volatile boolean closeRequested;
    /** Why the socket was closed, if not by the peer or {@link #close}'s caller without one; the first reason wins. */
    private volatile String closeReason;
    /** Last time bytes came in; written by the role's holder, read by the heartbeat. */
    private volatile long lastReadNanos = System.nanoTime();

    private ClientSocket(SocketChannel socket, Selector selector, String address) {
        this.socket = socket;
        this.selector = selector;
        this.address = address;
        this.reader = new Thread(this::readerLoop, "wharf-client-reader " + address);
        this.writer = new Thread(this::writerLoop, "wharf-client-writer " + address);
        reader.setDaemon(true);
        writer.setDaemon(true);
    }

    /** Connects within {@code timeoutMillis}; the socket reads nothing until {@link #start}. */
    static ClientSocket connect(String host, int port, int timeoutMillis, String address) throws IOException {
        SocketChannel socket = SocketChannel.open();
        try {
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            socket.socket().connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.configureBlocking(false);
            Selector selector = Selector.open();
            socket.register(selector, SelectionKey.OP_READ);
            return new ClientSocket(socket, selector, address);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Starts reading and writing; frames go to {@code handler}. */
    void start(Handler handler) {
        this.handler = handler;
        reader.start();
        writer.start();
    }

    boolean isOpen() {
        return socket.isOpen() && !closeHandled;
    }

    /** Why the socket was closed ({@link #close}'s reason), or null. */
    String closeReason() {
        return closeReason;
    }

    long lastReadNanos() {
        return lastReadNanos;
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    // ---- writing ----

    /**
     * Queues {@code packet}; with {@code here} the calling thread writes the queue now (it is about
     * to wait for an answer anyway), else the writer thread does. Never throws: a socket that
     * cannot be written is closed, and the handler hears of each packet it could not send.
     */
    void write(Packet packet, boolean here) {
        outbound.add(packet);
        if (here && owner != Thread.currentThread() && Thread.currentThread() != reader) {
            flush(Long.MAX_VALUE);
        } else {
            wakeWriter();
            if (packet.correlationId() != 0 && readerDozing && owner == null) {
                // Its answer must be read soon, and nobody reads: the role's last holder left
                // before this request existed (see leave), while the reader thread slept.
                callReaderSoon();
            }
        }
        if (closeHandled) {
            dropQueued();
        }
    }

    /**
     * Queues {@code packet}, which nobody waits for and which may go out a little later, without
     * waking a thread for it when that can be avoided: if the read role is free, or held by the
     * calling thread, the role's next holder (or this one) writes it before it next waits for the
     * socket or leaves the role ({@link #writeQueuedLazily}), and any write before then takes it
     * along. The reader thread takes a free role within {@link #IDLE_CHECK_NANOS}, which bounds
     * the delay. If another thread holds the role (it may be waiting for the socket already) or
     * nobody reads (paused), the writer thread is woken as by {@link #write}.
     *
     * <p>What it saves: a consumer that acknowledges in the background and then waits for its next
     * message writes the acknowledgement itself, on its way to the socket, instead of waking the
     * writer thread for it; a requester's acknowledgement of a reply leaves with its next request,
     * in the same system call.
     */
    void writeLazily(Packet packet) {
        outbound.add(packet);
        lazyQueued = true;
        // Read after lazyQueued is set, as the next holder sets owner before it reads lazyQueued:
        // either it sees this packet, or this sees it holding the role.
        Thread o = owner;
        if (o == null ? paused || closeRequested : o != Thread.currentThread()) {
            wakeWriter();
        }
        if (closeHandled) {
            dropQueued();
        }
    }

    /**
     * Holding the read role, before waiting for the socket or leaving the role: writes what
     * {@link #writeLazily} queued, without ever waiting for the socket (whatever it does not take
     * at once, or a write under way on another thread, is left to the writer thread).
     */
    private void writeQueuedLazily() {
        if (!lazyQueued) {
            return;
        }
        lazyQueued = false;
        if (outbound.isEmpty()) {
            return;
        }
        if (writeLock.tryLock()) {
            try {
                // Deadline now: if the socket's buffer is full, flush hands the rest to the writer thread.
                flush(System.nanoTime());
            } finally {
                writeLock.unlock();
            }
        } else {
            wakeWriter();
        }
    }

    /**
     * Writes {@code packet} and everything queued before it on the calling thread, waiting while
     * the socket's buffer is full (back-pressure for large bodies).
     *
     * @return false if the socket did not take it all by {@code deadlineNanos}: the writer
     *     thread finishes the job, and the caller should report the stall
     */
    boolean writeHere(Packet packet, long deadlineNanos) {
        outbound.add(packet);
        boolean done = flush(deadlineNanos);
        if (closeHandled) {
            dropQueued();
        }
        return done;
    }

    /** Writes everything queued; false if the deadline passed first (the writer thread is then asked to go on). */
    private boolean flush(long deadlineNanos) {
        writeLock.lock();
        try {
            if (writeBuffer == null) {
                writeBuffer = PooledByteBufAllocator.DEFAULT.directBuffer(READ_CHUNK);
            }
            Packet p;
            while (true) {
                if (!writeOut(deadlineNanos)) {
                    wakeWriter();
                    return false;
                }
                if ((p = outbound.poll()) == null) {
                    break;
                }
                encode(p);
                while (writeBuffer.readableBytes() < WRITE_BATCH && (p = outbound.poll()) != null) {
                    encode(p);
                }
            }
            if (writeBuffer.capacity() > 4 * WRITE_BATCH) {
                // A large frame went out: give its room back.
                writeBuffer.release();
                writeBuffer = null;
            }
            return true;
        } catch (IOException e) {
            close("writing to the broker failed: " + e.getMessage());
            if (writeBuffer != null) {
                writeBuffer.clear();
            }
            dropQueued();
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Under writeLock: appends {@code p}'s frame to the write buffer; a frame that cannot be encoded is not sent. */
    private void encode(Packet p) {
        int mark = writeBuffer.writerIndex();
        try {
            FrameEncoder.encode(p, writeBuffer);
        } catch (RuntimeException e) {
            writeBuffer.writerIndex(mark);
            LOG.error("cannot encode a {} frame for {}; not sent", p.frame().type(), address, e);
            Handler h = handler;
            if (h != null) {
                h.unsent(p);
            }
        }
    }

    /** Under writeLock: puts the write buffer on the socket; false if the deadline passed first. */
    private boolean writeOut(long deadlineNanos) throws IOException {
        while (writeBuffer.isReadable()) {
            int n = writeBuffer.readBytes(socket, writeBuffer.readableBytes());
            if (n > 0) {
                lastWriteNanos = System.nanoTime();
                continue;
            }
            // The socket's send buffer is full: wait until the broker reads.
            if (writeSelector == null) {
                writeSelector = Selector.open();
                socket.register(writeSelector, SelectionKey.OP_WRITE);
            }
            long left = deadlineNanos == Long.MAX_VALUE ? 100 : TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            writeSelector.select(Math.min(100, left));
            writeSelector.selectedKeys().clear();
            if (!socket.isOpen()) {
                throw new ClosedChannelException();
            }
        }
        writeBuffer.clear();
        return true;
    }

    private void dropQueued() {
        Handler h = handler;
        Packet p;
        while ((p = outbound.poll()) != null) {
            if (h != null) {
                h.unsent(p);
            }
        }
    }

    /** The writer thread writes the queue now. */
    private void wakeWriter() {
        if (writerWanted.compareAndSet(false, true)) {
            LockSupport.unpark(writer);
        }
    }

    private void writerLoop() {
        while (true) {
            if (!writerWanted.getAndSet(false)) {
                if (closeHandled) {
                    break;
                }
                LockSupport.park(this);
                continue;
            }
            flush(Long.MAX_VALUE);
        }
        writeLock.lock();
        try {
            if (writeBuffer != null) {
                writeBuffer.release();
                writeBuffer = null;
            }
            closeQuietly(writeSelector);
        } finally {
            writeLock.unlock();
        }
        dropQueued();
    }

    // ---- reading ----

    /**
     * Reads the socket on the calling thread until {@code done}, or the deadline, when it can:
     * the role is free, or the reader thread gives it up. Returns at once when another waiting
     * thread holds the role (it reads for everyone), the socket is closed or paused, or frames are
     * diverted; the caller then waits its usual way, and the reader thread or that other thread
     * completes what it waits for.
     */
    boolean readUntil(BooleanSupplier done, long deadlineNanos) throws InterruptedException {
        Thread me = Thread.currentThread();
        if (me == reader || me == writer) {
            return false;
        }
        roleLock.lock();
        try {
            if (closeHandled || paused || done.getAsBoolean()) {
                return done.getAsBoolean();
            }
            if (owner != null) {
                if (owner != reader) {
                    return false;
                }
                boolean took = false;
                callersWaiting++;
                try {
                    selector.wakeup();
                    // Only while the reader thread holds the role: it signals when it leaves. If
                    // another waiting thread takes the role first, this one stops asking, and
                    // waits its usual way: that thread's leave() need not signal, and the reader
                    // thread, which does not take the role while anybody asks for it, reads
                    // after it for everyone.
                    while (owner == reader && !closeHandled && !done.getAsBoolean()) {
                        long left = deadlineNanos - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        roleChanged.awaitNanos(left);
                    }
                    took = owner == null && !closeHandled && !paused && !done.getAsBoolean();
                } finally {
                    callersWaiting--;
                    if (!took && owner == null) {
                        // The reader thread stepped aside for nothing: it takes the role back.
                        readerWanted = true;
                        roleChanged.signalAll();
                    }
                }
                if (!took) {
                    return done.getAsBoolean();
                }
            }
            owner = me;
        } finally {
            roleLock.unlock();
        }
        int outcome = GAVE_UP;
        try {
            outcome = readAsCaller(done, deadlineNanos);
        } finally {
            boolean now = outcome != DONE || moreMaybe || handler.expectsFrames() || handler.diverting();
            leave(now, !now && handler.answersOutstanding());
        }
        return outcome != GAVE_UP;
    }

    private static final int DONE = 0;
    private static final int TIMED_OUT = 1;
    private static final int GAVE_UP = 2;

    /** Holding the role: reads until {@code done} ({@link #DONE}), the deadline, or reading here must stop ({@link #GAVE_UP}). */
    private int readAsCaller(BooleanSupplier done, long deadlineNanos) throws InterruptedException {
        Handler h = handler;
        while (!done.getAsBoolean()) {
            if (closeHandled || paused || closeRequested || h.diverting()) {
                return GAVE_UP;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return TIMED_OUT;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            writeQueuedLazily();
            try {
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, TimeUnit.SECONDS.toNanos(1)))));
                selector.selectedKeys().clear();
            } catch (IOException e) {
                // A closed selector: the socket was closed under us; the read below finds out.
            }
            if (!readAvailable()) {
                return GAVE_UP;
            }
        }
        return DONE;
    }

    /**
     * Leaves the role; {@code now}: the reader thread takes it at once; {@code soon}: after
     * {@link #STICKY_NANOS} (answers are outstanding), unless a waiting thread takes it first.
     */
    private void leave(boolean now, boolean soon) {
        writeQueuedLazily();
        roleLock.lock();
        try {
            owner = null;
            releasedAt = System.nanoTime();
            if (now || closeRequested) {
                readerWanted = true;
                roleChanged.signalAll();
            } else if (soon) {
                roleChanged.signalAll();
            }
            // Else no signal: nothing is due, and a wake-up here would cost this thread, on its
            // way back to the application, what reading its own answer saved.
        } finally {
            roleLock.unlock();
        }
    }

    /** The reader thread looks at the role now: it takes it after {@link #STICKY_NANOS} if it stays free. */
    private void callReaderSoon() {
        roleLock.lock();
        try {
            roleChanged.signalAll();
        } finally {
            roleLock.unlock();
        }
    }

    private void readerLoop() {
        while (true) {
            roleLock.lock();
            try {
                while (true) {
                    if (closeHandled) {
                        return;
                    }
                    if (owner == null && callersWaiting == 0 && (!paused || closeRequested)) {
                        long idle = System.nanoTime() - releasedAt;
                        if (readerWanted || idle >= STICKY_NANOS) {
                            break;
                        }
                        roleChanged.awaitNanos(STICKY_NANOS - idle);
                    } else {
                        // Timed: a waiting thread that leaves the role with nothing due does not
                        // signal (see leave), so look again now and then.
                        readerDozing = true;
                        try {
                            roleChanged.awaitNanos(IDLE_CHECK_NANOS);
                        } finally {
                            readerDozing = false;
                        }
                    }
                }
                owner = reader;
                readerWanted = false;
            } catch (InterruptedException e) {
                // Only close() ends this thread; go on.
                continue;
            } finally {
                roleLock.unlock();
            }
            try {
                readAsReader();
            } finally {
                writeQueuedLazily();
                roleLock.lock();
                try {
                    owner = null;
                    roleChanged.signalAll();
                } finally {
                    roleLock.unlock();
                }
            }
        }
    }

    /** Holding the role, on the reader thread: reads until a waiting thread asks for the role, or reading stops. */
    private void readAsReader() {
        while (!closeHandled) {
            if (callersWaiting > 0 || paused && !closeRequested) {
                return;
            }
            writeQueuedLazily();
            try {
                selector.select();
                selector.selectedKeys().clear();
            } catch (IOException e) {
                // The read below finds the socket closed.
            }
            if (callersWaiting > 0 && !closeRequested) {
                return;
            }
            if (!readAvailable()) {
                return;
            }
        }
    }

    /**
     * Holding the role: reads what the socket has, decodes it and hands each frame to the
     * handler. Returns false when the socket is closed (the handler has heard of it).
     */
    private boolean readAvailable() {
        Handler h = handler;
        moreMaybe = false;
        while (true) {
            if (readBuffer == null) {
                readBuffer = PooledByteBufAllocator.DEFAULT.directBuffer(READ_CHUNK);
            }
            readBuffer.ensureWritable(READ_CHUNK);
            int room = readBuffer.writableBytes();
            int n;
            try {
                n = readBuffer.writeBytes(socket, room);
            } catch (IOException e) {
                n = -1;
                if (!closeRequested) {
                    close("reading from the broker failed: " + e.getMessage());
                }
            }
            if (n < 0) {
                closed();
                return false;
            }
            if (n == 0) {
                return true;
            }
            lastReadNanos = System.nanoTime();
            decoder.decode(readBuffer, decoded);
            try {
                for (Object msg : decoded) {
                    h.frame(msg);
                }
            } catch (RuntimeException e) {
                // A bug on this side, not the broker's: the connection's state is no longer known.
                LOG.error("Error handling a frame from {}; closing the connection", address, e);
                close("a frame from the broker could not be handled: " + e);
            } finally {
                decoded.clear();
            }
            readBuffer.discardSomeReadBytes();
            if (readBuffer.capacity() > 16 * READ_CHUNK && readBuffer.readableBytes() < READ_CHUNK) {
                // A large frame came through: give its room back.
                ByteBuf smaller = PooledByteBufAllocator.DEFAULT.directBuffer(READ_CHUNK);
                smaller.writeBytes(readBuffer);
                readBuffer.release();
                readBuffer = smaller;
            }
            if (n < room) {
                return true;
            }
            moreMaybe = true;
            if (paused || (Thread.currentThread() == reader ? callersWaiting > 0 : h.diverting())) {
                return true;
            }
        }
    }

    /** Holding the role: the socket is closed; tells the handler once. */
    private void closed() {
        if (closeHandled) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly(selector);
        if (readBuffer != null) {
            readBuffer.release();
            readBuffer = null;
        }
        Handler h = handler;
        try {
            if (h != null) {
                h.closed();
            }
        } finally {
            closeHandled = true;
            LockSupport.unpark(writer);
            roleLock.lock();
            try {
                roleChanged.signalAll();
            } finally {
                roleLock.unlock();
            }
        }
    }

    /**
     * Something waits for frames without reading them (a producer held back by a full address, a
     * receive() while another thread reads): if nobody reads, the reader thread starts now.
     */
    void wantReader() {
        roleLock.lock();
        try {
            if (owner == null) {
                readerWanted = true;
                roleChanged.signalAll();
            }
        } finally {
            roleLock.unlock();
        }
    }

    /** Makes the role's holder return from waiting for the socket and look at its condition again. */
    void wakeup() {
        selector.wakeup();
    }

    /** Stops reading until {@link #resume}: the broker is held back by TCP. Called by the role's holder. */
    void pause() {
        paused = true;
    }

    /** Reads again after {@link #pause}; any thread. */
    void resume() {
        paused = false;
        callReader();
    }

    /** The reader thread takes the role as soon as it is free, without waiting {@link #STICKY_NANOS}. */
    private void callReader() {
        roleLock.lock();
        try {
            readerWanted = true;
            roleChanged.signalAll();
        } finally {
            roleLock.unlock();
        }
    }

    /**
     * Closes the socket; the holder of the read role (the reader thread, if nobody else) then
     * tells the handler. Idempotent; returns at once.
     */
    void close(String reason) {
        if (reason != null && closeReason == null && !closeRequested) {
            closeReason = reason;
        }
        closeRequested = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closed anyway
        }
        selector.wakeup();
        callReader();
    }

    /** Waits up to {@code millis} for the handler to have heard of the close. */
    void awaitClosed(long millis) {
        if (Thread.currentThread() == reader || owner == Thread.currentThread()) {
            return;
        }
        try {
            reader.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Selector s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    @Override
    public String toString() {
        return "ClientSocket[" + address + "]";
    }
}
