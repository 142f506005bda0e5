package dev.wharf.server.internal.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the users file and the roles file again when either changes, so that a user can be
 * added or removed, a password or a role changed, without restarting the broker.
 *
 * <p>Every period it compares each file's modification time, size and identity (an editor that
 * replaces the file by a rename gives it a new one) with what the current {@link UserStore} was
 * read from. A change is taken once the files have stayed the same for a whole period, so a file
 * is not read while it is being written. If the files no longer make a valid store (a file
 * missing or unreadable, a malformed hash, a role naming an unknown user) the change is reported
 * once, and the broker goes on with the users it had until the files change again.
 *
 * <p>The check runs on a daemon thread of its own; the new store goes to {@code onChange} on it.
 */
public final class UsersFileWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsersFileWatcher.class);

    private final String brokerName;
    private final Path usersFile;
    private final Path rolesFile;
    private final Consumer<UserStore> onChange;
    private ScheduledExecutorService timer;
    /** What the current store was read from (or what was last refused). */
    private List<Object> taken;
    /** What the previous check saw. */
    private List<Object> seen;

    /**
     * @param readFrom {@link #stamp} of the files, taken before the current store was read from them
     * @param rolesFile the roles file, or null
     */
    public UsersFileWatcher(String brokerName, Path usersFile, Path rolesFile, List<Object> readFrom,
                            Consumer<UserStore> onChange) {
        this.brokerName = brokerName;
        this.usersFile = Objects.requireNonNull(usersFile);
        this.rolesFile = rolesFile;
        this.onChange = onChange;
        this.taken = readFrom;
        this.seen = readFrom;
    }

    /** What a check compares: each file's modification time, size and identity ("missing" if there is none). */
    public static List<Object> stamp(Path usersFile, Path rolesFile) {
        List<Object> out = new ArrayList<>(6);
        for (Path p : rolesFile == null ? List.of(usersFile) : List.of(usersFile, rolesFile)) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.add(a.lastModifiedTime());
                out.add(a.size());
                out.add(a.fileKey());
            } catch (NoSuchFileException e) {
                out.add("missing");
            } catch (IOException e) {
                out.add("unreadable: " + e);
            }
        }
        return out;
    }

    /** Checks the files every {@code periodMillis} from now on. */
    public synchronized void start(long periodMillis) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-users-watch-" + brokerName);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again.
                LOG.error("Wharf broker {}: checking the users file {} failed", brokerName, usersFile, e);
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * One check: reads the files again if they changed before the previous check and not since.
     *
     * @return true if a new store went to {@code onChange}
     */
    synchronized boolean check() {
        List<Object> now = stamp(usersFile, rolesFile);
        boolean steady = now.equals(seen);
        seen = now;
        if (!steady || now.equals(taken)) {
            return false;
        }
        taken = now;
        String files = usersFile + (rolesFile == null ? "" : " and roles file " + rolesFile);
        UserStore next;
        try {
            next = UserStore.load(usersFile, rolesFile);
        } catch (IllegalArgumentException e) {
            LOG.warn("Wharf broker {} did not take the changed users file {}: {}. It goes on with the users and roles it had;"
                    + " fix the file, and it is read again when it changes", brokerName, files, e.getMessage());
            return false;
        }
        LOG.info("Wharf broker {} read its users file {} again: {} users", brokerName, files, next.size());
        onChange.accept(next);
        return true;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
