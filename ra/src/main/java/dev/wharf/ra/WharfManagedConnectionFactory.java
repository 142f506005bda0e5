package dev.wharf.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.security.PasswordCredential;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * The outbound side: the container pools the {@link WharfManagedConnection}s this factory makes
 * and gives the application a {@link WharfPooledConnectionFactory}. Properties {@code url},
 * {@code user}, {@code password}; unset ones come from the resource adapter. Equal when those
 * are equal (the container relies on it).
 *
 * <p>A JavaBean the container configures on one thread; thread-safe once configured.
 */
public class WharfManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation {

    private static final long serialVersionUID = 1L;

    private String url;
    private String user;
    private String password;
    private transient ResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;

    /** The factory the application looks up, using the container's pool. */
    @Override
    public Object createConnectionFactory(ConnectionManager cm) throws ResourceException {
        return new WharfPooledConnectionFactory(this, cm);
    }

    /** Outside a container: a factory whose connections are made on demand and destroyed when closed. */
    @Override
    public Object createConnectionFactory() throws ResourceException {
        return new WharfPooledConnectionFactory(this, new UnpooledConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo cri) throws ResourceException {
        return new WharfManagedConnection(this, credentials(subject, cri));
    }

    /** A pooled connection with the same credentials that is still usable, or null. */
    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set set, Subject subject, ConnectionRequestInfo cri) throws ResourceException {
        WharfConnectionRequestInfo wanted = credentials(subject, cri);
        for (Object o : set) {
            if (o instanceof WharfManagedConnection mc && mc.factory().equals(this) && mc.credentials().equals(wanted)
                    && mc.isUsable()) {
                return mc;
            }
        }
        return null;
    }

    /**
     * The credentials a connection is made with: the container's (a PasswordCredential for this
     * factory in the subject, container-managed sign-on), else the application's, else the
     * configured ones.
     */
    WharfConnectionRequestInfo credentials(Subject subject, ConnectionRequestInfo cri) {
        if (subject != null) {
            for (PasswordCredential pc : subject.getPrivateCredentials(PasswordCredential.class)) {
                if (pc.getManagedConnectionFactory() == null || this.equals(pc.getManagedConnectionFactory())) {
                    return new WharfConnectionRequestInfo(pc.getUserName(), new String(pc.getPassword()));
                }
            }
        }
        if (cri instanceof WharfConnectionRequestInfo w && w.user() != null) {
            return w;
        }
        ConnectionSettings s = settings();
        return new WharfConnectionRequestInfo(s.user(), s.password());
    }

    /** The configured settings, falling back to the resource adapter's. */
    ConnectionSettings settings() {
        WharfResourceAdapter ra = resourceAdapter instanceof WharfResourceAdapter w ? w : null;
        String u = ConnectionSettings.firstSet(url, ra == null ? null : ra.getUrl(), dev.wharf.jms.WharfConnectionFactory.DEFAULT_URL);
        return new ConnectionSettings(u.trim(), ConnectionSettings.firstSet(user, ra == null ? null : ra.getUser()),
                ConnectionSettings.firstSet(password, ra == null ? null : ra.getPassword()));
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
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) {
        this.resourceAdapter = ra;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WharfManagedConnectionFactory f && Objects.equals(f.url, url) && Objects.equals(f.user, user)
                && Objects.equals(f.password, password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, user, password);
    }

    @Override
    public String toString() {
        return "WharfManagedConnectionFactory[" + settings() + "]";
    }
}
