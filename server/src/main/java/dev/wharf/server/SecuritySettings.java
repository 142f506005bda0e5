package dev.wharf.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may do what on which addresses: the roles of users (a roles file) and, per address
 * pattern, the roles each {@link Permission} needs.
 *
 * <pre>
 * config key                        meaning
 * roles.file                        properties file of role = user, user, ...
 * security.PATTERN.PERMISSION       comma-separated roles that have PERMISSION on the addresses
 *                                   PATTERN matches (an address, or a pattern with # and *)
 * </pre>
 *
 * <p>Without any {@code security.} entry every user who logs in may do everything. With one,
 * authorization is on for every address: for each permission, the most specific pattern that
 * sets it decides (as with address settings, a pattern names only the permissions it changes),
 * and where no pattern sets it nobody has it. Temporary destinations are not checked: only
 * their own connection can read them, and their names are made up by the client.
 *
 * @param rolesFile the roles file, or null: no user has a role
 * @param permissions by address pattern, the roles each permission it sets needs
 */
public record SecuritySettings(Path rolesFile, Map<String, Map<Permission, Set<String>>> permissions) {

    /** What a user may be allowed to do on an address. */
    public enum Permission {
        /** Send to it (checked when a producer is created for it and on every send). */
        SEND("send"),
        /** Consume from a queue, or subscribe to a topic (any kind of subscription). */
        CONSUME("consume"),
        /** Browse a queue. */
        BROWSE("browse"),
        /** Create a durable subscription (shared or not) on a topic; attaching to one that exists needs only CONSUME. */
        CREATE_DURABLE_QUEUE("createDurableQueue"),
        /** Delete a durable subscription of a topic: unsubscribe, or redefine it with another selector or topic. */
        DELETE_DURABLE_QUEUE("deleteDurableQueue");

        private final String key;

        Permission(String key) {
            this.key = key;
        }

        /** The name in the config file. */
        public String key() {
            return key;
        }

        /** @throws ConfigException if {@code key} names no permission */
        public static Permission parse(String key) {
            for (Permission p : values()) {
                if (p.key.equals(key)) {
                    return p;
                }
            }
            throw new ConfigException("unknown permission '" + key + "' (expected one of: " + keys() + ")");
        }

        static String keys() {
            return Arrays.stream(values()).map(Permission::key).collect(Collectors.joining(", "));
        }
    }

    /** No roles file, no permissions: everyone who logs in may do everything. */
    public static final SecuritySettings NONE = new SecuritySettings(null, Map.of());

    public SecuritySettings {
        Map<String, Map<Permission, Set<String>>> copy = new LinkedHashMap<>();
        permissions.forEach((pattern, byPermission) -> {
            Map<Permission, Set<String>> inner = new EnumMap<>(Permission.class);
            byPermission.forEach((p, roles) -> inner.put(p, Collections.unmodifiableSet(new LinkedHashSet<>(roles))));
            copy.put(pattern, Collections.unmodifiableMap(inner));
        });
        permissions = Collections.unmodifiableMap(copy);
    }

    /** True if some permission is set: every address is then checked. */
    public boolean authorizes() {
        return !permissions.isEmpty();
    }

    public SecuritySettings withRolesFile(Path file) {
        return new SecuritySettings(file, permissions);
    }

    /** With {@code roles} (replacing any given before) needed for {@code permission} on the addresses {@code pattern} matches. */
    public SecuritySettings withPermission(String pattern, Permission permission, Set<String> roles) {
        Map<String, Map<Permission, Set<String>>> copy = new LinkedHashMap<>(permissions);
        Map<Permission, Set<String>> inner = new EnumMap<>(Permission.class);
        inner.putAll(copy.getOrDefault(pattern, Map.of()));
        inner.put(permission, roles);
        copy.put(pattern, inner);
        return new SecuritySettings(rolesFile, copy);
    }

    /** Applies {@code security.PATTERN.PERMISSION = roles}, {@code key} without its {@code security.} prefix. */
    SecuritySettings withEntry(String key, String roles) {
        int dot = key.lastIndexOf('.');
        if (dot <= 0) {
            throw new ConfigException("'security." + key + "': expected security.PATTERN.PERMISSION with PERMISSION one of: "
                    + Permission.keys());
        }
        Permission p = Permission.parse(key.substring(dot + 1).trim());
        Set<String> names = new LinkedHashSet<>();
        for (String r : roles.split(",")) {
            if (!r.isBlank()) {
                names.add(r.trim());
            }
        }
        return withPermission(key.substring(0, dot), p, names);
    }
}
