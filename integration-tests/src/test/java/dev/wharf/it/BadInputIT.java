package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a clear JMS exception and never stops the broker serving others. */
@Timeout(60)
class BadInputIT {

    @TempDir
    Path data;

    @Test
    void malformedUrlIsRejectedNamingTheExpectedForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WharfConnectionFactory("tcp//nowhere"));
        assertTrue(e.getMessage().contains("wharf://host:port"), e.getMessage());
    }

    @Test
    void brokerDownGivesAJmsExceptionQuicklyNotAHang() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        WharfConnectionFactory cf = new WharfConnectionFactory("wharf://localhost:" + port + "?connectTimeout=2000");
        long start = System.currentTimeMillis();
        JMSException e = assertThrows(JMSException.class, cf::createConnection);
        assertTrue(e.getMessage().contains("cannot connect to wharf://localhost:" + port), e.getMessage());
        assertTrue(System.currentTimeMillis() - start < 10_000);
    }

    @Test
    void oversizedMessageIsRefusedAndTheBrokerKeepsServing() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).maxFrameSize(64 * 1024).build()) {
            broker.start();
            // A threshold above the broker's frame limit: the message would travel in one frame.
            WharfConnectionFactory cf = new WharfConnectionFactory(broker.url() + "?largeMessageThreshold=1048576");
            try (Connection c = cf.createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue q = s.createQueue("big");
                BytesMessage big = s.createBytesMessage();
                big.writeBytes(new byte[128 * 1024]);
                JMSException e = assertThrows(JMSException.class, () -> s.createProducer(q).send(big));
                assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
                s.createProducer(q).send(s.createTextMessage("small"));
                assertEquals("small", ((TextMessage) s.createConsumer(q).receive(5000)).getText());
            }
        }
    }

    @Test
    void messageOverTheFrameLimitStreamsInChunksThatFitIt() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).maxFrameSize(64 * 1024).build()) {
            broker.start();
            WharfConnectionFactory cf = new WharfConnectionFactory(broker.url());
            try (Connection c = cf.createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue q = s.createQueue("big");
                BytesMessage big = s.createBytesMessage();
                byte[] body = new byte[1024 * 1024];
                new java.util.Random(1).nextBytes(body);
                big.writeBytes(body);
                s.createProducer(q).send(big);
                BytesMessage in = (BytesMessage) s.createConsumer(q).receive(5000);
                byte[] back = new byte[body.length];
                assertEquals(body.length, in.readBytes(back));
                org.junit.jupiter.api.Assertions.assertArrayEquals(body, back);
            }
        }
    }

    @Test
    void garbageOnTheWireDoesNotDisturbOtherClients() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(data).host("localhost").port(0).build()) {
            broker.start();
            WharfConnectionFactory cf = new WharfConnectionFactory(broker.url());
            try (Connection good = cf.createConnection()) {
                good.start();
                Session s = good.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue q = s.createQueue("q");
                // A raw client sends a frame of an unknown type, then HTTP.
                try (Socket raw = new Socket("localhost", broker.port())) {
                    DataOutputStream out = new DataOutputStream(raw.getOutputStream());
                    out.writeInt(9);
                    out.writeByte(250);
                    out.writeLong(1);
                    out.write("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.flush();
                    raw.setSoTimeout(5000);
                    InputStream in = raw.getInputStream();
                    assertTrue(in.read() >= 0, "the broker answers with an error frame");
                }
                s.createProducer(q).send(s.createTextMessage("fine"));
                assertEquals("fine", ((TextMessage) s.createConsumer(q).receive(5000)).getText());
            }
        }
    }
}
