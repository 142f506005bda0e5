package dev.wharf.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.Frame;
import dev.wharf.protocol.Packet;
import dev.wharf.protocol.ProtocolVersion;
import dev.wharf.protocol.SubscriptionKind;
import dev.wharf.protocol.WireDestination;
import dev.wharf.protocol.WireMessage;
import dev.wharf.protocol.frame.ConnectFrame;
import dev.wharf.protocol.frame.FlowFrame;
import dev.wharf.protocol.frame.CreateConsumerFrame;
import dev.wharf.protocol.frame.CreateSessionFrame;
import dev.wharf.protocol.frame.DeliverFrame;
import dev.wharf.protocol.frame.ErrorFrame;
import dev.wharf.protocol.frame.OkFrame;
import dev.wharf.protocol.frame.SendFrame;
import java.util.ArrayList;
import java.util.List;

/** Drives a {@link BrokerConnection} directly, as a client would, recording what it answers. */
final class TestClient implements FrameSink {

    final BrokerConnection connection;
    final List<Packet> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean closed;
    private long nextCorrelation = 1;

    TestClient(Broker broker) {
        this.connection = new BrokerConnection(broker, this, Runnable::run);
    }

    @Override
    public void send(Packet packet) {
        received.add(packet);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String remoteAddress() {
        return "test";
    }

    /** Sends a request and returns its answer (waits up to 5 s for one: authentication is asynchronous). */
    Frame request(Frame f) {
        long corr = nextCorrelation++;
        connection.handle(new Packet(corr, f));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            Frame answer = null;
            for (Packet p : received) {
                if (p.correlationId() == corr) {
                    answer = p.frame();
                }
            }
            if (answer != null || System.nanoTime() > deadline) {
                return answer;
            }
            Thread.onSpinWait();
        }
    }

    /** Waits up to 5 s for the broker to close the transport. */
    boolean awaitClosed() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!closed && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return closed;
    }

    void ok(Frame f) {
        Frame answer = request(f);
        assertInstanceOf(OkFrame.class, answer, () -> "expected OK for " + f + ", got " + answer);
    }

    ErrorCode error(Frame f) {
        Frame answer = request(f);
        assertInstanceOf(ErrorFrame.class, answer, () -> "expected ERROR for " + f + ", got " + answer);
        return ((ErrorFrame) answer).code();
    }

    TestClient connect(String clientId) {
        Frame answer = request(new ConnectFrame(ConnectFrame.MAGIC, ProtocolVersion.CURRENT, null, null, clientId));
        assertEquals("CONNECTED", answer.type().name());
        ok(new FlowFrame(true));
        return this;
    }

    void session(long id, int ackMode) {
        ok(new CreateSessionFrame(id, ackMode));
    }

    void send(long session, WireMessage m) {
        ok(new SendFrame(session, 1, m));
    }

    void consumer(long session, long id, WireDestination d, int prefetch) {
        ok(new CreateConsumerFrame(session, id, d, null, false, SubscriptionKind.NONE, null, prefetch));
    }

    void durable(long session, long id, WireDestination topic, String name, String selector) {
        ok(new CreateConsumerFrame(session, id, topic, selector, false, SubscriptionKind.DURABLE, name, 10));
    }

    /** Deliveries received so far, and forgets them. */
    List<DeliverFrame> takeDeliveries() {
        List<DeliverFrame> out = new ArrayList<>();
        for (Packet p : received) {
            if (p.frame() instanceof DeliverFrame d) {
                out.add(d);
            }
        }
        received.removeIf(p -> p.frame() instanceof DeliverFrame);
        return out;
    }

    static List<String> texts(List<DeliverFrame> ds) {
        return ds.stream().map(d -> Messages.textOf(d.message())).toList();
    }

    static long[] ids(List<DeliverFrame> ds) {
        return ds.stream().mapToLong(DeliverFrame::deliveryId).toArray();
    }
}
