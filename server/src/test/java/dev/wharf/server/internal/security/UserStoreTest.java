package dev.wharf.server.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserStoreTest {

    @TempDir
    Path dir;

    private Path usersFile() throws Exception {
        String hash = PasswordHasher.hash("pw", 1000);
        return Files.writeString(dir.resolve("users.properties"), "alice = " + hash + "\nbob = " + hash + "\ncarol = " + hash + "\n");
    }

    @Test
    void rolesFileGivesEachUserTheRolesThatNameThem() throws Exception {
        Path roles = Files.writeString(dir.resolve("roles.properties"), "shop = alice, bob\naudit = bob\nempty =\n");
        UserStore users = UserStore.load(usersFile(), roles);
        assertEquals(Set.of("shop"), users.roles("alice"));
        assertEquals(Set.of("shop", "audit"), users.roles("bob"));
        assertEquals(Set.of(), users.roles("carol"));
        assertEquals(Set.of(), users.roles(null));
        assertTrue(users.authenticate("bob", "pw"));
    }

    @Test
    void roleNamingAUserWithoutAPasswordIsRefusedNamingBoth() throws Exception {
        Path roles = Files.writeString(dir.resolve("roles.properties"), "shop = alice, alcie\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserStore.load(usersFile(), roles));
        assertTrue(e.getMessage().contains("role 'shop' names user 'alcie'"), e.getMessage());
        assertTrue(e.getMessage().contains("roles.properties"), e.getMessage());
    }

    @Test
    void malformedHashIsBlamedOnTheUsersFileNotTheRolesFile() throws Exception {
        Path users = Files.writeString(dir.resolve("users.properties"), "alice = secret\n");
        Path roles = Files.writeString(dir.resolve("roles.properties"), "shop = alice\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserStore.load(users, roles));
        assertTrue(e.getMessage().startsWith("users file " + users), e.getMessage());
        assertTrue(e.getMessage().contains("alice"), e.getMessage());
        assertTrue(!e.getMessage().contains("roles.properties"), e.getMessage());
    }

    @Test
    void missingRolesFileIsReportedByName() throws Exception {
        Path users = usersFile();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UserStore.load(users, dir.resolve("nope.properties")));
        assertTrue(e.getMessage().contains("cannot read roles file") && e.getMessage().contains("nope.properties"),
                e.getMessage());
    }
}
