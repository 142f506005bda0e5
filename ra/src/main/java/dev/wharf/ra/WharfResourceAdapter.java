package dev.wharf.ra;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Wharf resource adapter. Its {@code url}, {@code user} and {@code password} are the defaults
 * for activations and managed connection factories that do not set their own.
 *
 * <p>Thread-safe: the container calls it from any thread; activations are kept in a concurrent
 * map, and the connection attempts of every activation run on one scheduler thread the adapter
 * owns between {@link #start} and {@link #stop}.
 */
public class WharfResourceAdapter implements ResourceAdapter, Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WharfResourceAdapter.class);

    private String url = "wharf://localhost:61700";
    private String user;
    private String password;

    private transient Map<ActivationKey, WharfActivation> activations = new ConcurrentHashMap<>();
    /** Recovery connections, one per connection settings; guarded by itself. */
    private transient Map<ConnectionSettings, RecoveryXAResource> recovery = new LinkedHashMap<>();
    private transient volatile ScheduledExecutorService scheduler;

    /** The container's key for an activation: the endpoint factory and spec it gave. */
    private record ActivationKey(MessageEndpointFactory factory, ActivationSpec spec) {
    }

    @Override
    public void start(BootstrapContext ctx) throws ResourceAdapterInternalException {
        activations = new ConcurrentHashMap<>();
        recovery = new LinkedHashMap<>();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-ra-connect");
            t.setDaemon(true);
            return t;
        });
        LOG.info("Wharf resource adapter started (default broker {})", url);
    }

    @Override
    public void stop() {
        for (WharfActivation a : activations.values()) {
            a.stop();
        }
        activations.clear();
        synchronized (recovery) {
            for (RecoveryXAResource r : recovery.values()) {
                r.close();
            }
            recovery.clear();
        }
        ScheduledExecutorService s = scheduler;
        if (s != null) {
            s.shutdownNow();
        }
        LOG.info("Wharf resource adapter stopped");
    }

    /**
     * Starts delivering to the endpoints of {@code factory} as {@code spec} says. Returns at once;
     * the connection is made (and remade after the broker goes away) on the adapter's thread.
     *
     * @throws NotSupportedException if {@code spec} is not a {@link WharfActivationSpec}
     * @throws ResourceException if the spec is invalid or names a destination or connection factory
     *         that cannot be looked up
     */
    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        if (!(spec instanceof WharfActivationSpec s)) {
            throw new NotSupportedException("activation spec " + spec + " is not a " + WharfActivationSpec.class.getName());
        }
        s.validate();
        WharfActivation a = new WharfActivation(factory, s, settingsFor(s), s.lookUpDestination(), scheduler());
        activations.put(new ActivationKey(factory, spec), a);
        a.start();
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        WharfActivation a = activations.remove(new ActivationKey(factory, spec));
        if (a != null) {
            a.stop();
        }
    }

    /**
     * One XAResource per broker the given activations use, for the transaction manager's recovery
     * scan: each lists every in-doubt branch at its broker, whoever prepared it.
     */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) throws ResourceException {
        List<XAResource> out = new ArrayList<>();
        synchronized (recovery) {
            for (ActivationSpec spec : specs == null ? new ActivationSpec[0] : specs) {
                if (spec instanceof WharfActivationSpec s) {
                    ConnectionSettings cs = settingsFor(s);
                    XAResource r = recovery.computeIfAbsent(cs, RecoveryXAResource::new);
                    if (!out.contains(r)) {
                        out.add(r);
                    }
                }
            }
        }
        return out.toArray(new XAResource[0]);
    }

    /** The spec's connection settings, falling back to its connection factory's, then the adapter's. */
    ConnectionSettings settingsFor(WharfActivationSpec s) throws ResourceException {
        ConnectionSettings fromFactory = s.lookUpConnectionFactorySettings();
        String u = ConnectionSettings.firstSet(s.getUrl(), fromFactory == null ? null : fromFactory.url(), url,
                dev.wharf.jms.WharfConnectionFactory.DEFAULT_URL);
        String us = ConnectionSettings.firstSet(s.getUser(), fromFactory == null ? null : fromFactory.user(), user);
        String pw = ConnectionSettings.firstSet(s.getPassword(), fromFactory == null ? null : fromFactory.password(), password);
        return new ConnectionSettings(u.trim(), us, pw);
    }

    private ScheduledExecutorService scheduler() throws ResourceAdapterInternalException {
        ScheduledExecutorService s = scheduler;
        if (s == null || s.isShutdown()) {
            throw new ResourceAdapterInternalException("the Wharf resource adapter is not started");
        }
        return s;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WharfResourceAdapter r && Objects.equals(r.url, url) && Objects.equals(r.user, user)
                && Objects.equals(r.password, password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, user, password);
    }
}
