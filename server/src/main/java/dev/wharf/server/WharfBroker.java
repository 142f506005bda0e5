package dev.wharf.server;

import dev.wharf.journal.JournalException;
import dev.wharf.server.internal.security.PasswordHasher;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The broker launcher.
 *
 * <pre>
 * WharfBroker [--data DIR] [--port N] [--host H] [--config FILE] [--users FILE] [--roles FILE] [--role live|backup]
 * WharfBroker hash-password PASSWORD
 * </pre>
 * With no arguments: data in ./data, port 61700, all interfaces, no authentication. Options
 * override the config file. Bad arguments or configuration: one error line, exit status 2;
 * a broker that cannot start (port in use, store locked): exit status 1.
 */
public final class WharfBroker {

    static final String USAGE = "usage: WharfBroker [--data DIR] [--port N] [--host H] [--config FILE] [--users FILE]"
            + " [--roles FILE] [--role live|backup]"
            + " | WharfBroker hash-password PASSWORD";

    private WharfBroker() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status >= 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the launcher; returns the exit status, or -1 when a broker is running and main should
     * return (the JVM lives on in the broker's threads until the shutdown hook stops it).
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("hash-password")) {
            if (args.length != 2 || args[1].isEmpty()) {
                err.println("error: hash-password needs exactly one argument, the password (" + USAGE + ")");
                return 2;
            }
            out.println(PasswordHasher.hash(args[1]));
            return 0;
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        BrokerConfig config;
        try {
            config = parse(args);
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        EmbeddedBroker broker = EmbeddedBroker.of(config);
        if (config.role() == BrokerConfig.Role.BACKUP) {
            out.println("Wharf broker waiting as backup for the store at " + config.dataDirectory() + " ("
                    + config.storeDescription() + "); it starts serving when the live broker is gone");
            out.flush();
        }
        try {
            broker.start();
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (JournalException e) {
            err.println("error: cannot open the store: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("error: cannot start the broker: " + e.getMessage());
            return 1;
        }
        java.util.concurrent.atomic.AtomicReference<EmbeddedBroker> current = new java.util.concurrent.atomic.AtomicReference<>(broker);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> current.get().close(), "wharf-shutdown"));
        printStarted(out, config, broker);
        // Failback: a backup that handed the store back to the original live broker waits as backup again.
        while (config.failback() && config.role() == BrokerConfig.Role.BACKUP && broker.handedOver().join()) {
            awaitFailbackTaken(broker);
            broker = EmbeddedBroker.of(config);
            current.set(broker);
            out.println("Wharf broker handed the store back and is waiting as backup again for the store at "
                    + config.dataDirectory() + " (" + config.storeDescription() + ")");
            out.flush();
            try {
                broker.start();
            } catch (RuntimeException e) {
                err.println("error: cannot start the broker again as backup: " + e.getMessage());
                return 1;
            }
            printStarted(out, config, broker);
        }
        return -1;
    }

    private static void printStarted(PrintStream out, BrokerConfig config, EmbeddedBroker broker) {
        out.println("Wharf broker started on wharf://" + config.host() + ":" + broker.port() + " (data: "
                + config.dataDirectory() + ", store: " + config.storeDescription() + ", role: "
                + (config.role() == BrokerConfig.Role.BACKUP ? "backup, live since " + broker.liveSince() : "live") + ")");
        out.flush();
    }

    /** After a handover: waits (at most 30 s) until the original live broker took the store and cleared its request. */
    private static void awaitFailbackTaken(EmbeddedBroker handedOver) {
        dev.wharf.server.internal.store.FailbackRequests request = handedOver.failbackRequests();
        long deadline = System.currentTimeMillis() + 30_000;
        while (request.pending() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Parses the arguments: the config file first (wherever it is given), then the options over it. */
    static BrokerConfig parse(String[] args) {
        BrokerConfig config = BrokerConfig.defaults();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                config = BrokerConfig.load(Path.of(valueOf(args, i)), config);
            }
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--config" -> i++;
                case "--data" -> config = config.withDataDirectory(Path.of(valueOf(args, i++)));
                case "--port" -> config = config.withPort(BrokerConfig.parseInt("--port", valueOf(args, i++)));
                case "--host" -> config = config.withHost(valueOf(args, i++));
                case "--users" -> config = config.withUsersFile(Path.of(valueOf(args, i++)));
                case "--roles" -> config = config.withSecurity(config.security().withRolesFile(Path.of(valueOf(args, i++))));
                case "--role" -> config = config.withRole(BrokerConfig.Role.parse("--role", valueOf(args, i++)));
                default -> throw new ConfigException("unknown argument '" + a + "' (" + USAGE + ")");
            }
        }
        return config;
    }

    private static String valueOf(String[] args, int i) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new ConfigException(args[i] + " needs a value (" + USAGE + ")");
        }
        return args[i + 1];
    }
}
