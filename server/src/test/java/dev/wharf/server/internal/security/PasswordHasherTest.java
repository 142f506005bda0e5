package dev.wharf.server.internal.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordHasherTest {

    @Test
    void hashVerifiesTheRightPasswordOnly() {
        String h = PasswordHasher.hash("s3cret", 1000);
        assertTrue(h.startsWith("pbkdf2$1000$"));
        assertTrue(PasswordHasher.verify("s3cret", h));
        assertFalse(PasswordHasher.verify("s3cret!", h));
    }

    @Test
    void samePasswordHashesDifferentlyEachTime() {
        assertNotEquals(PasswordHasher.hash("x", 1000), PasswordHasher.hash("x", 1000));
    }

    @Test
    void malformedHashIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHasher.verify("x", "plain-text"));
    }

    @Test
    void userStoreLoadsAFileAndAuthenticates(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users.properties");
        Files.writeString(f, "alice = " + PasswordHasher.hash("pw", 1000) + "\n", StandardCharsets.UTF_8);
        UserStore users = UserStore.load(f);
        assertTrue(users.authenticate("alice", "pw"));
        assertTrue(users.authenticate("alice", "pw"));
        assertFalse(users.authenticate("alice", "nope"));
        assertFalse(users.authenticate("bob", "pw"));
        assertFalse(users.authenticate(null, null));
    }

    @Test
    void userStoreWithAPlainTextPasswordIsRejectedNamingTheUser(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users.properties");
        Files.writeString(f, "alice = secret\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserStore.load(f));
        assertTrue(e.getMessage().contains("alice"), e.getMessage());
    }
}
