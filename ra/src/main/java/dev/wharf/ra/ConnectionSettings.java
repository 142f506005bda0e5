package dev.wharf.ra;

import dev.wharf.jms.WharfConnectionFactory;
import dev.wharf.jms.WharfXAConnectionFactory;

/**
 * Where and as whom the adapter connects: a Wharf URL and optional credentials. Immutable;
 * equal settings share recovery connections.
 *
 * @param url a {@code wharf://} URL (see {@link WharfConnectionFactory})
 * @param user the user name, or null for the URL's (or none)
 * @param password the password, or null
 */
record ConnectionSettings(String url, String user, String password) {

    /** The first of the given values that is set (not null, not blank), or null. */
    static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** A new XA connection factory for these settings. */
    WharfXAConnectionFactory xaFactory() {
        WharfXAConnectionFactory f = new WharfXAConnectionFactory(url);
        if (user != null) {
            f.setUser(user);
        }
        if (password != null) {
            f.setPassword(password);
        }
        return f;
    }

    @Override
    public String toString() {
        // Never the password.
        return url + (user == null ? "" : " as " + user);
    }
}
