package dev.wharf.tck;

import java.nio.file.Path;
import javax.naming.Context;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the broker before the first TCK class runs and stops it when the test JVM exits. Active
 * only when the system property {@code wharf.tck.broker} is {@code true} (the {@code tck}
 * profile sets it), so the module's own tests are unaffected.
 *
 * <p>One broker serves the whole run, as a real installation would: durable subscriptions and
 * leftover messages of one class stay visible to the next, which is what the TCK expects of a
 * provider. The broker's URL becomes the system property {@link Context#PROVIDER_URL}, which
 * {@code InitialContext} prefers to {@code jndi.properties}.
 */
public final class TckBrokerSession implements LauncherSessionListener {

    private static TckBroker broker;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!Boolean.getBoolean("wharf.tck.broker")) {
            return;
        }
        startOnce();
    }

    private static synchronized void startOnce() {
        if (broker != null) {
            return;
        }
        try {
            Path workDir = Path.of(System.getProperty("wharf.tck.workdir", "target"));
            broker = TckBroker.start(workDir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Wharf broker for the TCK: " + e.getMessage(), e);
        }
        System.setProperty(Context.PROVIDER_URL, broker.url());
        System.out.println("[wharf-tck] broker started at " + broker.url());
        TckBroker started = broker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wharf-tck-broker-stop"));
    }
}
