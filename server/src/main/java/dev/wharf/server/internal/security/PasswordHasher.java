package dev.wharf.server.internal.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes for the users file: PBKDF2WithHmacSHA256 with a random 16-byte salt and a
 * 256-bit result, written {@code pbkdf2$<iterations>$<salt base64>$<hash base64>}.
 * Stateless and thread-safe.
 */
public final class PasswordHasher {

    /** The iteration count new hashes use. */
    public static final int DEFAULT_ITERATIONS = 120_000;
    private static final String PREFIX = "pbkdf2";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHasher() {
    }

    /** Hashes {@code password} with a fresh salt. */
    public static String hash(String password) {
        return hash(password, DEFAULT_ITERATIONS);
    }

    /** Hashes {@code password} with a fresh salt and {@code iterations} rounds. */
    public static String hash(String password, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations: " + iterations + " (expected: >= 1)");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations, HASH_BITS);
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * True if {@code password} matches {@code encoded}.
     *
     * @throws IllegalArgumentException if {@code encoded} is not a hash of this format
     */
    public static boolean verify(String password, String encoded) {
        String[] parts = encoded.trim().split("\\$");
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            throw new IllegalArgumentException("not a password hash (expected: pbkdf2$iterations$salt$hash;"
                    + " create one with: WharfBroker hash-password PASSWORD)");
        }
        int iterations;
        byte[] salt;
        byte[] expected;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            expected = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed password hash: " + e.getMessage());
        }
        if (iterations < 1 || expected.length == 0) {
            throw new IllegalArgumentException("malformed password hash: iterations " + iterations + ", hash " + expected.length + " bytes");
        }
        byte[] actual = derive(password, salt, iterations, expected.length * 8);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Checks that {@code encoded} looks like a hash, naming {@code user} in the error. */
    static void verifyFormat(String user, String encoded) {
        String[] parts = encoded.trim().split("\\$");
        boolean ok = parts.length == 4 && PREFIX.equals(parts[0]);
        if (ok) {
            try {
                ok = Integer.parseInt(parts[1]) >= 1;
                Base64.getDecoder().decode(parts[2]);
                Base64.getDecoder().decode(parts[3]);
            } catch (IllegalArgumentException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("the entry of user '" + user + "' is not a password hash (expected:"
                    + " pbkdf2$iterations$salt$hash; create one with: WharfBroker hash-password PASSWORD)");
        }
    }

    private static byte[] derive(String password, byte[] salt, int iterations, int bits) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
