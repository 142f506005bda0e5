package dev.wharf.server.internal.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users of a broker with authentication on, loaded from a properties file
 * {@code user = pbkdf2$iterations$salt$hash} (see {@link PasswordHasher}), and their roles,
 * from an optional properties file {@code role = user, user, ...}.
 *
 * <p>PBKDF2 is slow on purpose; a successful check is remembered as a SHA-256 of user, hash and
 * password so reconnecting clients do not pay it again. Thread-safe: the user map is immutable,
 * the cache concurrent.
 */
public final class UserStore {

    private final Map<String, String> hashes;
    private final Map<String, Set<String>> roles;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    public UserStore(Map<String, String> hashes) {
        this(hashes, Map.of());
    }

    /**
     * @param usersByRole the users of each role
     * @throws IllegalArgumentException if a hash is malformed or a role names a user there is no hash for
     */
    public UserStore(Map<String, String> hashes, Map<String, Set<String>> usersByRole) {
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            PasswordHasher.verifyFormat(e.getKey(), e.getValue());
        }
        this.hashes = Map.copyOf(hashes);
        Map<String, Set<String>> byUser = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : new TreeMap<>(usersByRole).entrySet()) {
            for (String user : e.getValue()) {
                if (!hashes.containsKey(user)) {
                    throw new IllegalArgumentException("role '" + e.getKey() + "' names user '" + user
                            + "', who is not in the users file; add the user or remove the name");
                }
                byUser.computeIfAbsent(user, u -> new TreeSet<>()).add(e.getKey());
            }
        }
        byUser.replaceAll((u, r) -> Collections.unmodifiableSet(r));
        this.roles = Map.copyOf(byUser);
    }

    /**
     * Loads a users file.
     *
     * @throws IllegalArgumentException if the file cannot be read or an entry is not a hash
     */
    public static UserStore load(Path file) {
        return load(file, null);
    }

    /**
     * Loads a users file and a roles file ({@code role = user, user, ...}; null: no roles).
     *
     * @throws IllegalArgumentException if a file cannot be read, an entry is not a hash, or a role
     *     names a user the users file does not have
     */
    public static UserStore load(Path usersFile, Path rolesFile) {
        Map<String, String> hashes = new HashMap<>();
        Properties users = read(usersFile, "users");
        for (String user : users.stringPropertyNames()) {
            hashes.put(user, users.getProperty(user).trim());
        }
        Map<String, Set<String>> usersByRole = new HashMap<>();
        if (rolesFile != null) {
            Properties roles = read(rolesFile, "roles");
            for (String role : roles.stringPropertyNames()) {
                Set<String> names = new TreeSet<>();
                for (String user : roles.getProperty(role).split(",")) {
                    if (!user.isBlank()) {
                        names.add(user.trim());
                    }
                }
                usersByRole.put(role, names);
            }
        }
        try {
            for (Map.Entry<String, String> e : hashes.entrySet()) {
                PasswordHasher.verifyFormat(e.getKey(), e.getValue());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("users file " + usersFile + ": " + e.getMessage());
        }
        try {
            // The hashes are well formed (above): what fails here is a role.
            return new UserStore(hashes, usersByRole);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("roles file " + rolesFile + ": " + e.getMessage() + " (" + usersFile + ")");
        }
    }

    private static Properties read(Path file, String what) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + what + " file " + file + ": there is no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " file " + file + ": " + e.getMessage());
        }
        return p;
    }

    /** The roles of {@code user} (none for an unknown user or null). */
    public Set<String> roles(String user) {
        return user == null ? Set.of() : roles.getOrDefault(user, Set.of());
    }

    /**
     * True if {@code user} is in both stores with the same password hash: a connection this
     * store let in may stay after {@code next} replaced it.
     */
    public boolean sameCredentials(String user, UserStore next) {
        String hash = user == null ? null : hashes.get(user);
        return hash != null && hash.equals(next.hashes.get(user));
    }

    /** True if the users file has {@code user}. */
    public boolean hasUser(String user) {
        return user != null && hashes.containsKey(user);
    }

    /** Number of users. */
    public int size() {
        return hashes.size();
    }

    /** True if the user exists and the password is right. Null arguments never authenticate. */
    public boolean authenticate(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        String hash = hashes.get(user);
        if (hash == null) {
            return false;
        }
        byte[] fingerprint = fingerprint(user, hash, password);
        byte[] known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, fingerprint)) {
            return true;
        }
        if (PasswordHasher.verify(password, hash)) {
            verified.put(user, fingerprint);
            return true;
        }
        return false;
    }

    private static byte[] fingerprint(String user, String hash, String password) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(user.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(hash.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(password.getBytes(StandardCharsets.UTF_8));
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
