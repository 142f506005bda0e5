package dev.wharf.server.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileWatcherTest {

    @TempDir
    Path dir;

    private String hash;
    private Path users;
    private Path roles;
    private final List<UserStore> taken = new ArrayList<>();
    private UsersFileWatcher watcher;
    /** Each write moves the modification time on by a second, as the file system's clock may be coarse. */
    private Instant clock = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void files() throws Exception {
        hash = PasswordHasher.hash("pw", 1000);
        users = write("users.properties", "alice = " + hash + "\nbob = " + hash + "\n");
        roles = write("roles.properties", "shop = alice\n");
        watcher = new UsersFileWatcher("test", users, roles, UsersFileWatcher.stamp(users, roles), taken::add);
    }

    private Path write(String name, String text) throws Exception {
        Path p = Files.writeString(dir.resolve(name), text);
        clock = clock.plusSeconds(1);
        Files.setLastModifiedTime(p, FileTime.from(clock));
        return p;
    }

    @Test
    void unchangedFilesAreNotReadAgain() {
        assertFalse(watcher.check());
        assertFalse(watcher.check());
        assertTrue(taken.isEmpty());
    }

    @Test
    void aChangedUsersFileIsTakenOnceItStaysTheSameForAWholeCheck() throws Exception {
        write("users.properties", "alice = " + hash + "\nbob = " + hash + "\ndave = " + hash + "\n");
        assertFalse(watcher.check(), "taken while it might still be being written");
        assertTrue(watcher.check());
        assertEquals(1, taken.size());
        assertTrue(taken.get(0).hasUser("dave"));
        assertTrue(taken.get(0).authenticate("dave", "pw"));
        assertFalse(watcher.check());
        assertFalse(watcher.check());
        assertEquals(1, taken.size(), "the same change was taken twice");
    }

    @Test
    void aFileStillChangingIsNotTakenUntilItStops() throws Exception {
        write("users.properties", "alice = " + hash + "\n");
        assertFalse(watcher.check());
        write("users.properties", "alice = " + hash + "\nbob = " + hash + "\ncarol = " + hash + "\n");
        assertFalse(watcher.check());
        assertTrue(watcher.check());
        assertEquals(1, taken.size());
        assertTrue(taken.get(0).hasUser("carol"));
    }

    @Test
    void aChangedRolesFileAloneIsTaken() throws Exception {
        write("roles.properties", "shop = alice, bob\n");
        watcher.check();
        assertTrue(watcher.check());
        assertEquals(Set.of("shop"), taken.get(0).roles("bob"));
    }

    @Test
    void aBrokenFileIsRefusedOnceAndAFixedOneIsTaken() throws Exception {
        write("roles.properties", "shop = alice, mallory\n");
        watcher.check();
        assertFalse(watcher.check(), "a role naming an unknown user was taken");
        assertFalse(watcher.check());
        assertTrue(taken.isEmpty());

        write("roles.properties", "shop = alice, bob\n");
        watcher.check();
        assertTrue(watcher.check());
        assertEquals(Set.of("shop"), taken.get(0).roles("bob"));
    }

    @Test
    void aDeletedUsersFileIsRefusedAndItsReturnIsTaken() throws Exception {
        Files.delete(users);
        watcher.check();
        assertFalse(watcher.check());
        assertTrue(taken.isEmpty());

        write("users.properties", "alice = " + hash + "\n");
        watcher.check();
        assertTrue(watcher.check());
        assertFalse(taken.get(0).hasUser("bob"));
    }

    @Test
    void aFileReplacedByARenameIsSeenThoughItsTimeAndSizeAreTheSame() throws Exception {
        FileTime before = Files.getLastModifiedTime(users);
        List<Object> stampBefore = UsersFileWatcher.stamp(users, roles);
        // Same length as the file it replaces: carol for bob.
        Path next = Files.writeString(dir.resolve("users.new"), "alice = " + hash + "\ncar = " + hash + "\n");
        Files.setLastModifiedTime(next, before);
        Files.move(next, users, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertEquals(before, Files.getLastModifiedTime(users));
        assertEquals(Files.size(users), (long) (Long) stampBefore.get(1));
        assertNotEquals(stampBefore, UsersFileWatcher.stamp(users, roles));

        watcher.check();
        assertTrue(watcher.check());
        assertTrue(taken.get(0).hasUser("car"));
    }

    @Test
    void sameCredentialsHoldsOnlyForAnUnchangedHash() throws Exception {
        UserStore a = UserStore.load(users, roles);
        write("users.properties", "alice = " + PasswordHasher.hash("new", 1000) + "\nbob = " + hash + "\n");
        UserStore b = UserStore.load(users, roles);
        assertFalse(a.sameCredentials("alice", b));
        assertTrue(a.sameCredentials("bob", b));
        assertFalse(a.sameCredentials("nobody", b));
        assertFalse(a.sameCredentials(null, b));
    }
}
