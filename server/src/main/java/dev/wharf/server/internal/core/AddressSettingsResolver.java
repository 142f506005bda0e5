package dev.wharf.server.internal.core;

import dev.wharf.server.AddressSettings;
import dev.wharf.server.ConfigException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds the {@link AddressSettings} of an address from patterns. A pattern is a dot-separated
 * list of words, where {@code *} matches exactly one word and {@code #} any number of words
 * (none included): {@code orders.*} matches {@code orders.eu} but not {@code orders} or
 * {@code orders.eu.north}; {@code orders.#} matches all three; {@code #} matches every address.
 *
 * <p>Every matching pattern contributes: fields set by a more specific pattern win over those of
 * a less specific one, and the defaults fill the rest. A pattern is more specific when it has
 * more literal words, then fewer {@code #}, then fewer {@code *}; an address written without
 * wildcards is the most specific of all.
 *
 * <p>The broker asks for an address's settings on every message it routes, redelivers or expires,
 * so results are remembered (up to {@link #CACHED} addresses; past that the memory starts
 * afresh, so many short-lived addresses cannot make it grow). Patterns are fixed at
 * construction, so a remembered result never goes stale. Safe from any thread.
 */
public final class AddressSettingsResolver {

    private record Pattern(String text, String[] words, int literals, int hashes, int stars, AddressSettings settings) {
    }

    private static final Comparator<Pattern> LEAST_SPECIFIC_FIRST = Comparator.comparingInt(Pattern::literals)
            .thenComparing(Comparator.comparingInt(Pattern::hashes).reversed())
            .thenComparing(Comparator.comparingInt(Pattern::stars).reversed())
            .thenComparing(Pattern::text);

    /** How many addresses' settings are remembered at most. */
    static final int CACHED = 4096;

    private final List<Pattern> patterns = new ArrayList<>();
    private final Map<String, AddressSettings> resolved = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param byPattern settings by address pattern */
    public AddressSettingsResolver(Map<String, AddressSettings> byPattern) {
        for (Map.Entry<String, AddressSettings> e : byPattern.entrySet()) {
            String text = e.getKey();
            if (text.isEmpty() || text.startsWith(".") || text.endsWith(".") || text.contains("..")) {
                throw new ConfigException("address pattern '" + text + "': empty word (expected words separated by single dots)");
            }
            String[] words = text.split("\\.");
            int literals = 0;
            int hashes = 0;
            int stars = 0;
            for (String w : words) {
                switch (w) {
                    case "#" -> hashes++;
                    case "*" -> stars++;
                    default -> literals++;
                }
            }
            patterns.add(new Pattern(text, words, literals, hashes, stars, e.getValue()));
        }
        patterns.sort(LEAST_SPECIFIC_FIRST);
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
        String[] words = address.split("\\.", -1);
        AddressSettings out = AddressSettings.DEFAULTS;
        for (Pattern p : patterns) {
            if (matches(p.words(), 0, words, 0)) {
                out = out.overriddenBy(p.settings());
            }
        }
        return out;
    }

    static boolean matches(String[] pattern, int pi, String[] words, int wi) {
        if (pi == pattern.length) {
            return wi == words.length;
        }
        String p = pattern[pi];
        if (p.equals("#")) {
            for (int skip = wi; skip <= words.length; skip++) {
                if (matches(pattern, pi + 1, words, skip)) {
                    return true;
                }
            }
            return false;
        }
        if (wi == words.length) {
            return false;
        }
        return (p.equals("*") || p.equals(words[wi])) && matches(pattern, pi + 1, words, wi + 1);
    }
}
