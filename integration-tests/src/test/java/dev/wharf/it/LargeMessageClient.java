package dev.wharf.it;

import dev.wharf.jms.WharfConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;

/**
 * A JMS client run in its own JVM by the large-message tests (so its heap can be limited):
 * <ul>
 *   <li>{@code roundtrip URL QUEUE SIZE SEED}: writes a BytesMessage of SIZE bytes with
 *       {@code writeBytes} in 64 KiB pieces, sends it, receives it and reads it with
 *       {@code readBytes} in pieces; prints {@code SENT crc=.. ms=..} and
 *       {@code RECEIVED length=.. crc=.. ms=..}.</li>
 *   <li>{@code slow URL QUEUE SIZE SEED}: sends a body from an InputStream that slows down after
 *       the first few megabytes, printing {@code STREAMING} then; the test kills it mid-stream.</li>
 * </ul>
 */
public final class LargeMessageClient {

    private LargeMessageClient() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        String queue = args[2];
        long size = Long.parseLong(args[3]);
        long seed = Long.parseLong(args[4]);
        try (Connection c = new WharfConnectionFactory(url).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue(queue);
            if (mode.equals("slow")) {
                slow(s, q, size, seed);
                return;
            }
            long t0 = System.nanoTime();
            BytesMessage m = s.createBytesMessage();
            CRC32 sent = new CRC32();
            byte[] buf = new byte[64 * 1024];
            for (long off = 0; off < size; off += buf.length) {
                int n = (int) Math.min(buf.length, size - off);
                LargeBodies.fill(seed, off, buf, n);
                sent.update(buf, 0, n);
                m.writeBytes(buf, 0, n);
            }
            s.createProducer(q).send(m);
            long t1 = System.nanoTime();
            System.out.println("SENT crc=" + sent.getValue() + " ms=" + (t1 - t0) / 1_000_000);
            m = null;
            MessageConsumer consumer = s.createConsumer(q);
            BytesMessage in = (BytesMessage) consumer.receive(600_000);
            if (in == null) {
                System.out.println("RECEIVED nothing");
                return;
            }
            CRC32 got = new CRC32();
            long length = 0;
            for (int n; (n = in.readBytes(buf)) > 0; ) {
                got.update(buf, 0, n);
                length += n;
            }
            long t2 = System.nanoTime();
            System.out.println("RECEIVED length=" + length + " bodyLength=" + in.getBodyLength() + " crc=" + got.getValue()
                    + " ms=" + (t2 - t1) / 1_000_000 + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }

    private static void slow(Session s, Queue q, long size, long seed) throws Exception {
        InputStream fast = LargeBodies.stream(seed, size);
        InputStream slow = new InputStream() {
            long read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > 4 * 1024 * 1024) {
                    System.out.println("STREAMING");
                    System.out.flush();
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                int n = fast.read(b, off, Math.min(len, 64 * 1024));
                read += Math.max(n, 0);
                return n;
            }
        };
        BytesMessage m = s.createBytesMessage();
        m.setObjectProperty("JMS_WHARF_InputStream", slow);
        s.createProducer(q).send(m);
        System.out.println("SENT");
    }
}
