package dev.wharf.jms.jndi;

import dev.wharf.jms.JmsQueue;
import dev.wharf.jms.JmsTopic;
import dev.wharf.jms.WharfConnectionFactory;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import javax.naming.ConfigurationException;
import javax.naming.Context;
import javax.naming.NamingException;
import javax.naming.spi.InitialContextFactory;

/**
 * A JNDI provider for standalone applications: the objects are described by the environment
 * ({@code jndi.properties} or the {@code InitialContext} environment) and bound in a read-only
 * in-memory context.
 * <pre>
 * java.naming.factory.initial = dev.wharf.jms.jndi.WharfInitialContextFactory
 * java.naming.provider.url = wharf://localhost:61700        (default URL for factories given none)
 * connectionFactory.ConnectionFactory = wharf://localhost:61700
 * connectionFactory.ConnectionFactory.clientID = my-app     (also user, password, prefetch)
 * connectionFactory.XAConnectionFactory.xa = true           (a WharfXAConnectionFactory)
 * queue.orders = orders
 * topic.prices = prices
 * </pre>
 */
public class WharfInitialContextFactory implements InitialContextFactory {

    public static final String CONNECTION_FACTORY_PREFIX = "connectionFactory.";
    public static final String QUEUE_PREFIX = "queue.";
    public static final String TOPIC_PREFIX = "topic.";

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) throws NamingException {
        Map<String, String> env = new TreeMap<>();
        for (Map.Entry<?, ?> e : environment.entrySet()) {
            env.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        String defaultUrl = env.getOrDefault(Context.PROVIDER_URL, WharfConnectionFactory.DEFAULT_URL);
        Map<String, Object> bindings = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String key = e.getKey();
            String value = e.getValue().trim();
            if (key.startsWith(QUEUE_PREFIX)) {
                bindings.put(name(key, QUEUE_PREFIX), new JmsQueue(value.isEmpty() ? name(key, QUEUE_PREFIX) : value));
            } else if (key.startsWith(TOPIC_PREFIX)) {
                bindings.put(name(key, TOPIC_PREFIX), new JmsTopic(value.isEmpty() ? name(key, TOPIC_PREFIX) : value));
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(CONNECTION_FACTORY_PREFIX)) {
                continue;
            }
            String name = name(key, CONNECTION_FACTORY_PREFIX);
            if (isFactoryOption(name)) {
                continue;
            }
            String url = e.getValue().trim().isEmpty() ? defaultUrl : e.getValue().trim();
            WharfConnectionFactory cf;
            try {
                String options = CONNECTION_FACTORY_PREFIX + name + ".";
                boolean xa = Boolean.parseBoolean(env.getOrDefault(options + "xa", "false").trim());
                cf = xa ? new dev.wharf.jms.WharfXAConnectionFactory(url) : new WharfConnectionFactory(url);
                if (env.containsKey(options + "clientID")) {
                    cf.setClientID(env.get(options + "clientID"));
                }
                if (env.containsKey(options + "user")) {
                    cf.setUser(env.get(options + "user"));
                }
                if (env.containsKey(options + "password")) {
                    cf.setPassword(env.get(options + "password"));
                }
                if (env.containsKey(options + "prefetch")) {
                    cf.setPrefetch(Integer.parseInt(env.get(options + "prefetch").trim()));
                }
            } catch (IllegalArgumentException ex) {
                ConfigurationException ce = new ConfigurationException("JNDI entry " + key + ": " + ex.getMessage());
                ce.setRootCause(ex);
                throw ce;
            }
            bindings.put(name, cf);
        }
        return new ReadOnlyContext(bindings, environment);
    }

    private static String name(String key, String prefix) {
        return key.substring(prefix.length());
    }

    /** {@code connectionFactory.X.clientID} and friends configure X; they are not factories themselves. */
    private static boolean isFactoryOption(String name) {
        return name.endsWith(".clientID") || name.endsWith(".user") || name.endsWith(".password") || name.endsWith(".prefetch")
                || name.endsWith(".xa");
    }
}
