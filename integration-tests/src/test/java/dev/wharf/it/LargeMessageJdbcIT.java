package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On the JDBC store (H2 embedded) a large message's record is a row and its body still a file in the data directory. */
@Timeout(60)
class LargeMessageJdbcIT extends ConfiguredBrokerTestSupport {

    @Override
    EmbeddedBroker.Builder configure(EmbeddedBroker.Builder b) {
        return b.jdbcUrl("jdbc:h2:file:" + data.resolve("db").toAbsolutePath() + "/wharf;FILE_LOCK=FS;WRITE_DELAY=0");
    }

    @Test
    void largeMessageOnTheJdbcStoreSurvivesARestartAndItsFileGoesWithTheAck() throws Exception {
        int size = 3 * 1024 * 1024 + 7;
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        BytesMessage m = s.createBytesMessage();
        m.setObjectProperty("JMS_WHARF_InputStream", LargeBodies.stream(11, size));
        s.createProducer(s.createQueue("jdbc.big")).send(m);
        restartBroker();
        Session s2 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        BytesMessage in = (BytesMessage) s2.createConsumer(s2.createQueue("jdbc.big")).receive(10_000);
        assertNotNull(in);
        CRC32 crc = new CRC32();
        byte[] buf = new byte[65536];
        for (int n; (n = in.readBytes(buf)) > 0; ) {
            crc.update(buf, 0, n);
        }
        assertEquals(LargeBodies.crc(11, size), crc.getValue());
        long deadline = System.currentTimeMillis() + 10_000;
        while (count(data.resolve("large")) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, count(data.resolve("large")));
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
