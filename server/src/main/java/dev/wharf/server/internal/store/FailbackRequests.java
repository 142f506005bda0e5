package dev.wharf.server.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the original live broker of a shared-store pair asks its backup for the store back
 * (failback), next to the store both share: a file in the data directory for the file journal,
 * a row beside the lease for the JDBC store.
 */
public interface FailbackRequests {

    /** Asks for the store back. */
    void request(String by);

    /** True if a request is waiting. */
    boolean pending();

    /** Clears the request: whoever now holds the store answered it. */
    void clear();

    /** A human-readable description of where the request is kept, for logs. */
    String describe();

    static FailbackRequests forStore(Path dataDirectory, String jdbcUrl, String jdbcUser, String jdbcPassword) {
        return jdbcUrl == null ? new InFile(dataDirectory.resolve("failback-request"))
                : new InDatabase(jdbcUrl, jdbcUser == null ? "sa" : jdbcUser, jdbcPassword == null ? "" : jdbcPassword);
    }

    /** The file journal's: a file. */
    final class InFile implements FailbackRequests {
        private final Path file;

        InFile(Path file) {
            this.file = file;
        }

        @Override
        public void request(String by) {
            try {
                Files.writeString(file, "requested by " + by + " at " + java.time.Instant.now() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the failback request " + file, e);
            }
        }

        @Override
        public boolean pending() {
            return Files.exists(file);
        }

        @Override
        public void clear() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the failback request " + file, e);
            }
        }

        @Override
        public String describe() {
            return file.toString();
        }
    }

    /** The JDBC store's: a row in {@code WHARF_FAILBACK}, one connection per call (it is called a few times a second at most). */
    final class InDatabase implements FailbackRequests {
        private static final String TABLE = "WHARF_FAILBACK";
        private final String url;
        private final String user;
        private final String password;

        InDatabase(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        private Connection connect() throws SQLException {
            Connection c = DriverManager.getConnection(url, user, password);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (NAME VARCHAR(64) NOT NULL PRIMARY KEY,"
                        + " REQUESTED_BY VARCHAR(200) NOT NULL, REQUESTED_AT BIGINT NOT NULL)");
            }
            return c;
        }

        @Override
        public void request(String by) {
            try (Connection c = connect()) {
                try (PreparedStatement d = c.prepareStatement("DELETE FROM " + TABLE + " WHERE NAME = 'journal'")) {
                    d.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (NAME, REQUESTED_BY, REQUESTED_AT)"
                        + " VALUES ('journal', ?, ?)")) {
                    s.setString(1, by);
                    s.setLong(2, System.currentTimeMillis());
                    s.executeUpdate();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot write the failback request to " + url + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean pending() {
            try (Connection c = connect();
                 PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + TABLE + " WHERE NAME = 'journal'");
                 ResultSet r = s.executeQuery()) {
                return r.next();
            } catch (SQLException e) {
                // The database is unreachable: no request can be seen; the lease decides who serves.
                return false;
            }
        }

        @Override
        public void clear() {
            try (Connection c = connect();
                 PreparedStatement s = c.prepareStatement("DELETE FROM " + TABLE + " WHERE NAME = 'journal'")) {
                s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot clear the failback request in " + url + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return TABLE + " in " + url;
        }
    }
}
