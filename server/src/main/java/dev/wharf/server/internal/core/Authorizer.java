package dev.wharf.server.internal.core;

import dev.wharf.protocol.ErrorCode;
import dev.wharf.protocol.WharfProperties;
import dev.wharf.protocol.WireDestination;
import dev.wharf.server.SecuritySettings;
import dev.wharf.server.SecuritySettings.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a user's roles allow a {@link Permission} on an address, from
 * {@link SecuritySettings}: for each permission the most specific pattern that sets it decides;
 * where none does, nobody has it. Without any permission set, everything is allowed.
 *
 * <p>Results are remembered per address (up to {@link #CACHED}, then afresh), as the broker asks
 * on every send. Safe from any thread.
 */
public final class Authorizer {

    /** Everything allowed: no security settings. */
    public static final Authorizer ALLOW_ALL = new Authorizer(SecuritySettings.NONE);

    static final int CACHED = 4096;

    /** Who decided: the roles, and the config key that gave them (null: no pattern set the permission). */
    private record Rule(Set<String> roles, String key) {
    }

    private record Pattern(AddressPattern pattern, Map<Permission, Set<String>> roles) {
    }

    private final List<Pattern> mostSpecificFirst = new ArrayList<>();
    private final boolean on;
    private final Map<String, Map<Permission, Rule>> resolved = new ConcurrentHashMap<>();

    public Authorizer(SecuritySettings settings) {
        settings.permissions().forEach((text, roles) -> mostSpecificFirst.add(new Pattern(AddressPattern.parse(text), roles)));
        mostSpecificFirst.sort(Comparator.comparing(Pattern::pattern, AddressPattern.LEAST_SPECIFIC_FIRST).reversed());
        on = settings.authorizes();
    }

    /** True if permissions are checked at all. */
    public boolean isOn() {
        return on;
    }

    /**
     * Checks that {@code user}, with {@code roles}, has {@code permission} on {@code d}; temporary
     * destinations are not checked.
     *
     * @throws BrokerException with {@link ErrorCode#SECURITY}, naming the permission, the address,
     *     the roles that have it and the config key that says so
     */
    public void check(String user, Set<String> roles, Permission permission, WireDestination d) throws BrokerException {
        if (!on || d.kind().isTemporary()) {
            return;
        }
        Rule rule = rule(permission, d.name());
        if (!Collections.disjoint(rule.roles(), roles)) {
            return;
        }
        String who = user == null ? "an anonymous user" : "user '" + user + "'";
        String why = rule.key() == null
                ? "no security.PATTERN." + permission.key() + " setting matches it, so nobody may"
                : rule.key() + " allows only the roles " + rule.roles() + (roles.isEmpty() ? ", and " + who + " has no role"
                        : ", and " + who + " has " + new java.util.TreeSet<>(roles));
        throw new BrokerException(ErrorCode.SECURITY, who + " may not " + describe(permission) + " "
                + WharfProperties.describe(d) + ": " + why + " (see the broker's security settings and roles file)");
    }

    private Rule rule(Permission permission, String address) {
        Map<Permission, Rule> known = resolved.get(address);
        if (known == null) {
            known = new EnumMap<>(Permission.class);
            String[] words = AddressPattern.wordsOf(address);
            for (Permission p : Permission.values()) {
                Rule r = new Rule(Set.of(), null);
                for (Pattern pattern : mostSpecificFirst) {
                    Set<String> roles = pattern.roles().get(p);
                    if (roles != null && pattern.pattern().matches(words)) {
                        r = new Rule(roles, "security." + pattern.pattern().text() + "." + p.key());
                        break;
                    }
                }
                known.put(p, r);
            }
            if (resolved.size() >= CACHED) {
                resolved.clear();
            }
            resolved.put(address, known);
        }
        return known.get(permission);
    }

    private static String describe(Permission p) {
        return switch (p) {
            case SEND -> "send to";
            case CONSUME -> "consume from";
            case BROWSE -> "browse";
            case CREATE_DURABLE_QUEUE -> "create a durable subscription of";
            case DELETE_DURABLE_QUEUE -> "delete a durable subscription of";
        };
    }
}
