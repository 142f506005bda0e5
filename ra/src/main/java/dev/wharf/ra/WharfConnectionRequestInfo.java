package dev.wharf.ra;

import jakarta.resource.spi.ConnectionRequestInfo;

/**
 * The credentials an application passed to {@code createConnection(user, password)}: connections
 * are pooled per credentials. Immutable.
 */
record WharfConnectionRequestInfo(String user, String password) implements ConnectionRequestInfo {

    @Override
    public String toString() {
        return "WharfConnectionRequestInfo[" + user + "]";
    }
}
