package dev.wharf.server.internal.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users of a broker with authentication on, loaded from a properties file
 * {@code user = pbkdf2$iterations$salt$hash} (see {@link PasswordHasher}).
 *
 * <p>PBKDF2 is slow on purpose; a successful check is remembered as a SHA-256 of user, hash and
 * password so reconnecting clients do not pay it again. Thread-safe: the user map is immutable,
 * the cache concurrent.
 */
public final class UserStore {

    private final Map<String, String> hashes;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    public UserStore(Map<String, String> hashes) {
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            PasswordHasher.verifyFormat(e.getKey(), e.getValue());
        }
        this.hashes = Map.copyOf(hashes);
    }

    /**
     * Loads a users file.
     *
     * @throws IllegalArgumentException if the file cannot be read or an entry is not a hash
     */
    public static UserStore load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read users file " + file + ": " + e.getMessage());
        }
        Map<String, String> hashes = new HashMap<>();
        for (String user : p.stringPropertyNames()) {
            hashes.put(user, p.getProperty(user).trim());
        }
        try {
            return new UserStore(hashes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("users file " + file + ": " + e.getMessage());
        }
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
