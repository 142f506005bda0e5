package dev.wharf.jms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.message.LargeBodyFile;
import dev.wharf.protocol.Frame;
import dev.wharf.protocol.FrameDecoder;
import dev.wharf.protocol.FrameEncoder;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.frame.AckFrame;
import dev.wharf.protocol.frame.AddressFlowFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.OkFrame;
import dev.wharf.protocol.frame.PingFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's transport against a scripted broker on a real socket: answers reach the thread
 * that waits for them, frames nobody waits for reach the listener, and a broker that goes away
 * or falls silent fails what waits on it instead of hanging it.
 */
class TransportTest {
    private static final WireDestination ORDERS = new WireDestination(WireDestination.Kind.QUEUE, "orders");

    private FakeBroker broker;
    private Transport transport;

    @AfterEach
    void tearDown() throws IOException {
        if (transport != null) {
            transport.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aThreadWaitingForItsAnswerReadsItAndTheFramesBeforeIt() throws Exception {
        // Before each answer the broker sends a frame nobody waits for.
        broker = new FakeBroker(p -> List.of(new Packet(0, new AddressFlowFrame(ORDERS, true)),
                new Packet(p.correlationId(), new OkFrame())));
        Events events = new Events();
        transport = connect(events);
        for (int i = 0; i < 20; i++) {
            assertInstanceOf(OkFrame.class, transport.call(new PingFrame(), 5000, "PING"));
        }
        assertEquals(20, events.flows.size());
        // With the role free or handed over, the waiting thread read some of them itself: no hand-off.
        assertTrue(events.flowThreads.contains(Thread.currentThread()), "frames read by " + events.flowThreads);
    }

    @Test
    void framesThatComeWhenNobodyWaitsReachTheListener() throws Exception {
        broker = new FakeBroker(p -> List.of(new Packet(p.correlationId(), new OkFrame())));
        Events events = new Events();
        transport = connect(events);
        transport.call(new PingFrame(), 5000, "PING");
        // The caller left; the reader thread takes reading back and gets what the broker pushes.
        broker.push(new Packet(0, new AddressFlowFrame(ORDERS, false)));
        AddressFlowFrame flow = events.flows.poll(5, TimeUnit.SECONDS);
        assertNotNull(flow, "an unsolicited frame after the last answer never reached the listener");
        assertEquals(ORDERS, flow.address());
    }

    @Test
    void manyThreadsWaitingOnOneConnectionEachGetTheirOwnAnswer() throws Exception {
        // The answer says which request it answers: an ERROR frame carrying the correlation id.
        broker = new FakeBroker(p -> List.of(new Packet(p.correlationId(),
                new ErrorFrame(dev.wharf.protocol.ErrorCode.PROTOCOL_ERROR, "answer to " + p.correlationId()))));
        transport = connect(new Events());
        callFromThreads(8, 300, () -> {
            // No deadline here either: a caller nobody reads for waits for ever, and the test sees it.
            Frame f = transport.get(transport.request(new PingFrame(), null, true), 0);
            String text = ((ErrorFrame) f).message();
            assertTrue(text.startsWith("answer to "), text);
        });
    }

    @Test
    void threadsThatAskTheReaderThreadForTheRoleAtOnceAreAllAnswered() throws Exception {
        // A slow answer and pauses between requests let the reader thread take the role back
        // between calls, so that several callers ask it for the role at the same moment; only
        // one of them gets it, and the others must still hear their answers.
        broker = new FakeBroker(p -> {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            return List.of(new Packet(p.correlationId(), new OkFrame()));
        });
        transport = connect(new Events());
        callFromThreads(3, 400, () -> {
            // No deadline: a caller nobody reads for waits for ever, and the test sees it.
            assertInstanceOf(OkFrame.class, transport.get(transport.request(new PingFrame(), null, true), 0));
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.ThreadLocalRandom.current().nextInt(2_500_000));
        });
    }

    interface Call {
        void run() throws Exception;
    }

    /** Runs {@code call} {@code calls} times on each of {@code threads} threads at once; fails if any fails or hangs for 60 s. */
    private static void callFromThreads(int threads, int calls, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < calls; i++) {
                        call.run();
                    }
                    return calls;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(threads * calls, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void answersToRequestsNobodyWaitsForCompleteTheirFutures() throws Exception {
        broker = new FakeBroker(p -> List.of(new Packet(p.correlationId(), new OkFrame())));
        transport = connect(new Events());
        List<CompletableFuture<Frame>> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            answers.add(transport.request(new PingFrame(), null));
        }
        CompletableFuture.allOf(answers.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
        for (CompletableFuture<Frame> a : answers) {
            assertInstanceOf(OkFrame.class, a.join());
        }
    }

    @Test
    void framesSentLazilyGoOutThoughNothingIsWrittenAfterThem() throws Exception {
        broker = new FakeBroker(p -> p.correlationId() == 0 ? null : List.of(new Packet(p.correlationId(), new OkFrame())));
        transport = connect(new Events());
        // Nobody has waited yet: the reader thread holds the role, so the writer thread writes it.
        transport.sendLazily(new AckFrame(1, new long[] {1}, false));
        broker.awaitRequests(1);
        for (int i = 0; i < 5; i++) {
            // Just after a call the role is free: whoever takes it next writes it before waiting.
            transport.call(new PingFrame(), 5000, "PING");
            transport.sendLazily(new AckFrame(1, new long[] {i + 2}, false));
            broker.awaitRequests(2 * i + 3);
        }
        assertEquals(11, broker.received().size());
    }

    @Test
    void aFrameSentLazilyGoesOutBeforeAnythingSentAfterIt() throws Exception {
        broker = new FakeBroker(p -> p.correlationId() == 0 ? null : List.of(new Packet(p.correlationId(), new OkFrame())));
        transport = connect(new Events());
        for (int i = 0; i < 50; i++) {
            transport.sendLazily(new AckFrame(1, new long[] {i}, false));
            if (i % 2 == 0) {
                transport.call(new PingFrame(), 5000, "PING");
            } else {
                transport.send(new AckFrame(1, new long[] {i}, true));
            }
        }
        broker.awaitRequests(100);
        List<Packet> got = broker.received();
        for (int i = 0; i < 50; i++) {
            AckFrame lazy = assertInstanceOf(AckFrame.class, got.get(2 * i).frame(), "frame " + 2 * i);
            assertEquals(i, lazy.deliveryIds()[0]);
            assertEquals(false, lazy.force());
            Frame after = got.get(2 * i + 1).frame();
            assertTrue(i % 2 == 0 ? after instanceof PingFrame : after instanceof AckFrame ack && ack.force(),
                    "frame " + (2 * i + 1) + ": " + after);
        }
    }

    @Test
    void aBrokerThatClosesTheConnectionFailsTheWaitingCallAndTellsTheListenerOnce() throws Exception {
        broker = new FakeBroker(p -> null);
        Events events = new Events();
        transport = connect(events);
        CompletableFuture<Frame> answer = transport.request(new PingFrame(), null, true);
        broker.awaitRequests(1);
        broker.dropConnection();
        JMSException e = assertThrows(JMSException.class, () -> transport.await(answer, 10_000, "PING"));
        assertInstanceOf(ConnectionLostException.class, e, e.toString());
        assertNotNull(events.closed.poll(5, TimeUnit.SECONDS));
        Thread.sleep(100);
        assertTrue(events.closed.isEmpty(), "onClosed called more than once");
        assertTrue(!transport.isOpen());
    }

    @Test
    void closingTheTransportWakesAThreadReadingForItsAnswer() throws Exception {
        broker = new FakeBroker(p -> null);
        transport = connect(new Events());
        CompletableFuture<Frame> answer = transport.request(new PingFrame(), null, true);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                transport.await(answer, 60_000, "PING");
                return null;
            } catch (JMSException e) {
                return e;
            }
        });
        waiting.await();
        broker.awaitRequests(1);
        Thread.sleep(50);
        long started = System.nanoTime();
        transport.close();
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        assertInstanceOf(ConnectionLostException.class, t);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void aSilentBrokerIsTakenForDeadAfterTheConnectionTtl() throws Exception {
        broker = new FakeBroker(p -> null);
        Events events = new Events();
        transport = Transport.connect("localhost", broker.port(), 5000, new Transport.Heartbeat(100, 300));
        transport.setListener(events);
        JMSException lost = events.closed.poll(10, TimeUnit.SECONDS);
        assertNotNull(lost, "a broker silent for longer than the TTL was not taken for dead");
        assertTrue(lost.getMessage().contains("sent nothing for"), lost.getMessage());
        // It was pinged meanwhile.
        assertTrue(broker.pings() >= 1, "no PING sent to a silent broker");
    }

    @Test
    void aTimedOutWaitSaysWhatItWaitedFor() throws Exception {
        broker = new FakeBroker(p -> null);
        transport = connect(new Events());
        JMSException e = assertThrows(JMSException.class, () -> transport.call(new PingFrame(), 200, "PING"));
        assertTrue(e.getMessage().contains("no answer from") && e.getMessage().contains("PING"), e.getMessage());
        // The connection is still usable afterwards: a frame pushed now reaches the listener.
        assertTrue(transport.isOpen());
    }

    @Test
    void aBrokerThatIsNotThereGivesAClearError() throws Exception {
        int port;
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("localhost", 0));
            port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        JMSException e = assertThrows(JMSException.class, () -> Transport.connect("localhost", port, 2000));
        assertTrue(e.getMessage().startsWith("cannot connect to wharf://localhost:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("is a Wharf broker running there?"), e.getMessage());
    }

    private Transport connect(Events events) throws JMSException, IOException {
        Transport t = Transport.connect("localhost", broker.port(), 5000);
        t.setListener(events);
        return t;
    }

    /** Records what the transport hands up, and on which thread. */
    private static final class Events implements Transport.Listener {
        final BlockingQueue<AddressFlowFrame> flows = new LinkedBlockingQueue<>();
        final List<Thread> flowThreads = java.util.Collections.synchronizedList(new ArrayList<>());
        final BlockingQueue<JMSException> closed = new LinkedBlockingQueue<>();

        @Override
        public void onDeliver(DeliverFrame deliver, LargeBodyFile largeBody, int credits) {
        }

        @Override
        public void onUnsolicitedError(ErrorFrame error) {
        }

        @Override
        public void onAddressFlow(AddressFlowFrame flow) {
            flowThreads.add(Thread.currentThread());
            flows.add(flow);
        }

        @Override
        public void onClosed(JMSException cause) {
            closed.add(cause);
        }

        @Override
        public boolean expectsDeliveries() {
            return false;
        }
    }

    /**
     * A broker of one connection on a real socket: decodes each frame the client sends and writes
     * back what {@code answers} makes of it (null: nothing), in order.
     */
    private static final class FakeBroker implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Function<Packet, List<Packet>> answers;
        private final Thread thread;
        private final CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
        private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
        private final List<Packet> received = java.util.Collections.synchronizedList(new ArrayList<>());

        FakeBroker(Function<Packet, List<Packet>> answers) throws IOException {
            this.server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress("localhost", 0));
            this.answers = answers;
            this.thread = new Thread(this::serve, "fake-broker");
            thread.setDaemon(true);
            thread.start();
        }

        int port() throws IOException {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        }

        /** Every packet but pings nobody waits for, in the order they came. */
        List<Packet> received() {
            synchronized (received) {
                return new ArrayList<>(received);
            }
        }

        int pings() {
            return pings.get();
        }

        void awaitRequests(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (requests.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(requests.get() >= n, "the broker got " + requests.get() + " requests, expected " + n);
        }

        void push(Packet p) throws Exception {
            write(accepted.get(5, TimeUnit.SECONDS), List.of(p));
        }

        void dropConnection() throws Exception {
            accepted.get(5, TimeUnit.SECONDS).close();
        }

        private void serve() {
            try (SocketChannel s = server.accept()) {
                accepted.complete(s);
                FrameDecoder decoder = new FrameDecoder(Integer.MAX_VALUE);
                ByteBuf in = Unpooled.buffer();
                ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                List<Object> frames = new ArrayList<>();
                while (true) {
                    chunk.clear();
                    if (s.read(chunk) < 0) {
                        return;
                    }
                    in.writeBytes(chunk.flip());
                    decoder.decode(in, frames);
                    for (Object o : frames) {
                        Packet p = (Packet) o;
                        if (p.frame() instanceof PingFrame && p.correlationId() == 0) {
                            pings.incrementAndGet();
                            continue;
                        }
                        received.add(p);
                        requests.incrementAndGet();
                        List<Packet> out = answers.apply(p);
                        if (out != null) {
                            write(s, out);
                        }
                    }
                    frames.clear();
                    in.discardReadBytes();
                }
            } catch (IOException e) {
                // the test closed it
            }
        }

        private static synchronized void write(SocketChannel s, List<Packet> packets) throws IOException {
            ByteBuf out = Unpooled.buffer();
            for (Packet p : packets) {
                FrameEncoder.encode(p, out);
            }
            ByteBuffer b = out.nioBuffer();
            while (b.hasRemaining()) {
                s.write(b);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            SocketChannel s = accepted.getNow(null);
            if (s != null) {
                s.close();
            }
        }
    }
}
