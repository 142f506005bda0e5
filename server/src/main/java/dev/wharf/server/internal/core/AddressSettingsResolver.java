package dev.wharf.server.internal.core;

import dev.wharf.server.AddressSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds the {@link AddressSettings} of an address from patterns ({@link AddressPattern}:
 * {@code orders.*}, {@code orders.#}, {@code #}).
 *
 * <p>Every matching pattern contributes: fields set by a more specific pattern win over those of
 * a less specific one, and the defaults fill the rest.
 *
 * <p>The broker asks for an address's settings on every message it routes, redelivers or expires,
 * so results are remembered (up to {@link #CACHED} addresses; past that the memory starts
 * afresh, so many short-lived addresses cannot make it grow). Patterns are fixed at
 * construction, so a remembered result never goes stale. Safe from any thread.
 */
public final class AddressSettingsResolver {

    private record Pattern(AddressPattern pattern, AddressSettings settings) {
    }

    /** How many addresses' settings are remembered at most. */
    static final int CACHED = 4096;

    private final List<Pattern> patterns = new ArrayList<>();
    private final Map<String, AddressSettings> resolved = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param byPattern settings by address pattern */
    public AddressSettingsResolver(Map<String, AddressSettings> byPattern) {
        for (Map.Entry<String, AddressSettings> e : byPattern.entrySet()) {
            patterns.add(new Pattern(AddressPattern.parse(e.getKey()), e.getValue()));
        }
        patterns.sort(Comparator.comparing(Pattern::pattern, AddressPattern.LEAST_SPECIFIC_FIRST));
    }

    /** No patterns: every address has the defaults. */
    public static AddressSettingsResolver defaults() {
        return new AddressSettingsResolver(Map.of());
    }

    /** The settings of {@code address}, every field resolved. */
    public AddressSettings resolve(String address) {
        AddressSettings known = resolved.get(address);
        if (known != null) {
            return known;
        }
        AddressSettings out = match(address);
        if (resolved.size() >= CACHED) {
            resolved.clear();
        }
        resolved.put(address, out);
        return out;
    }

    private AddressSettings match(String address) {
        String[] words = AddressPattern.wordsOf(address);
        AddressSettings out = AddressSettings.DEFAULTS;
        for (Pattern p : patterns) {
            if (p.pattern().matches(words)) {
                out = out.overriddenBy(p.settings());
            }
        }
        return out;
    }
}
