package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.internal.security.PasswordHasher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Launcher arguments and configuration files. */
class WharfBrokerTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return WharfBroker.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void noArgumentsGiveTheDefaults() {
        BrokerConfig c = WharfBroker.parse(new String[0]);
        assertEquals(61700, c.port());
        assertEquals(Path.of("data"), c.dataDirectory());
        assertEquals(null, c.usersFile());
        assertTrue(c.autoCreateDestinations());
    }

    @Test
    void optionsOverrideTheConfigFile() throws Exception {
        Path f = dir.resolve("wharf.properties");
        Files.writeString(f, "port = 1234\nhost = 127.0.0.1\ndata.dir = d\nqueues = a, b\ntopics = t\n"
                + "auto.create.destinations = false\nmax.frame.size = 2048\n");
        BrokerConfig c = WharfBroker.parse(new String[] {"--port", "5678", "--config", f.toString()});
        assertEquals(5678, c.port());
        assertEquals("127.0.0.1", c.host());
        assertEquals(dir.toAbsolutePath().resolve("d"), c.dataDirectory());
        assertEquals(List.of("a", "b"), c.queues());
        assertEquals(List.of("t"), c.topics());
        assertEquals(false, c.autoCreateDestinations());
        assertEquals(2048, c.maxFrameSize());
    }

    @Test
    void badPortIsOneErrorLineAndStatus2() {
        assertEquals(2, run("--port", "http"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("error: --port: 'http' is not a number"), e);
        assertEquals(1, e.lines().count());
    }

    @Test
    void roleIsLiveByDefaultBackupOrAutoWaitAndAnythingElseIsRejected() {
        assertEquals(BrokerConfig.Role.LIVE, WharfBroker.parse(new String[0]).role());
        assertEquals(BrokerConfig.Role.BACKUP, WharfBroker.parse(new String[] {"--role", "backup"}).role());
        assertEquals(BrokerConfig.Role.BACKUP, WharfBroker.parse(new String[] {"--role", "AUTO"}).role());
        ConfigException e = assertThrows(ConfigException.class, () -> WharfBroker.parse(new String[] {"--role", "primary"}));
        assertTrue(e.getMessage().contains("live, backup or auto"), e.getMessage());
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertThrows(ConfigException.class, () -> WharfBroker.parse(new String[] {"--port", "70000"}));
    }

    @Test
    void unknownArgumentIsRejected() {
        assertEquals(2, run("--verbose"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown argument '--verbose'"));
    }

    @Test
    void missingOptionValueIsRejected() {
        assertEquals(2, run("--data"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--data needs a value"));
    }

    @Test
    void unknownConfigKeyIsRejectedNamingTheFile() throws Exception {
        Path f = dir.resolve("bad.properties");
        Files.writeString(f, "prot = 1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> WharfBroker.parse(new String[] {"--config", f.toString()}));
        assertTrue(e.getMessage().contains("bad.properties") && e.getMessage().contains("'prot'"), e.getMessage());
    }

    @Test
    void failbackIsOffByDefaultAndABooleanOtherwise() throws Exception {
        assertEquals(false, WharfBroker.parse(new String[0]).failback());
        Path f = dir.resolve("pair.properties");
        Files.writeString(f, "ha.failback = true\n");
        assertEquals(true, WharfBroker.parse(new String[] {"--config", f.toString()}).failback());
        Files.writeString(f, "ha.failback = sometimes\n");
        ConfigException e = assertThrows(ConfigException.class, () -> WharfBroker.parse(new String[] {"--config", f.toString()}));
        assertTrue(e.getMessage().contains("ha.failback"), e.getMessage());
    }

    @Test
    void badBooleanIsRejected() throws Exception {
        Path f = dir.resolve("bad.properties");
        Files.writeString(f, "auto.create.destinations = yes\n");
        assertThrows(ConfigException.class, () -> WharfBroker.parse(new String[] {"--config", f.toString()}));
    }

    @Test
    void missingConfigFileIsStatus2() {
        assertEquals(2, run("--config", dir.resolve("nope.properties").toString()));
    }

    @Test
    void hashPasswordPrintsAVerifiableHash() {
        assertEquals(0, run("hash-password", "pw"));
        String hash = out.toString(StandardCharsets.UTF_8).trim();
        assertTrue(PasswordHasher.verify("pw", hash));
    }

    @Test
    void hashPasswordWithoutPasswordIsStatus2() {
        assertEquals(2, run("hash-password"));
    }
}
