package dev.wharf.server.internal.core;

import dev.wharf.server.ConfigException;
import java.util.Comparator;

/**
 * A pattern of addresses, as address settings and security settings name them: a dot-separated
 * list of words, where {@code *} matches exactly one word and {@code #} any number of words (none
 * included). {@code orders.*} matches {@code orders.eu} but not {@code orders} or
 * {@code orders.eu.north}; {@code orders.#} matches all three; {@code #} matches every address.
 *
 * <p>A pattern is more specific when it has more literal words, then fewer {@code #}, then fewer
 * {@code *}; an address written without wildcards is the most specific of all.
 */
record AddressPattern(String text, String[] words, int literals, int hashes, int stars) {

    static final Comparator<AddressPattern> LEAST_SPECIFIC_FIRST = Comparator.comparingInt(AddressPattern::literals)
            .thenComparing(Comparator.comparingInt(AddressPattern::hashes).reversed())
            .thenComparing(Comparator.comparingInt(AddressPattern::stars).reversed())
            .thenComparing(AddressPattern::text);

    /** @throws ConfigException if a word is empty */
    static AddressPattern parse(String text) {
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
        return new AddressPattern(text, words, literals, hashes, stars);
    }

    /** The words of an address, to match against patterns. */
    static String[] wordsOf(String address) {
        return address.split("\\.", -1);
    }

    boolean matches(String[] addressWords) {
        return matches(words, 0, addressWords, 0);
    }

    private static boolean matches(String[] pattern, int pi, String[] words, int wi) {
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
