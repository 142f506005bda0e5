package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.server.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class AuthenticationIT {

    @TempDir
    Path data;

    @Test
    void brokerWithUsersFileAcceptsTheRightPasswordAndRefusesWrongOnes() throws Exception {
        Path users = data.resolve("users.properties");
        Files.writeString(users, "alice = " + hash("s3cret") + "\n");
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(data.resolve("d")).host("localhost").port(0)
                .usersFile(users).build()) {
            broker.start();
            WharfConnectionFactory cf = new WharfConnectionFactory(broker.url());
            try (Connection ok = cf.createConnection("alice", "s3cret")) {
                ok.start();
            }
            assertThrows(JMSSecurityException.class, () -> cf.createConnection("alice", "wrong"));
            assertThrows(JMSSecurityException.class, () -> cf.createConnection("mallory", "s3cret"));
            assertThrows(JMSSecurityException.class, () -> cf.createConnection());
            assertThrows(JMSSecurityRuntimeException.class, () -> cf.createContext("alice", "wrong"));
        }
    }

    /** Hashes a password the way an operator does: with the launcher's hash-password command. */
    private static String hash(String password) throws Exception {
        Process p = ChildBroker.java("hash-password", password).redirectErrorStream(true).start();
        String hash = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor() == 0, hash);
        assertTrue(hash.startsWith("pbkdf2$"), hash);
        return hash;
    }
}
