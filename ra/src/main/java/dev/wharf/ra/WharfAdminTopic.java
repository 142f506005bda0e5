package dev.wharf.ra;

import jakarta.jms.Topic;
import java.io.Serializable;
import java.util.Objects;
import javax.naming.NamingException;
import javax.naming.Reference;

/**
 * A topic administered object ({@code asadmin create-admin-object --restype jakarta.jms.Topic
 * --property name=prices jms/prices}). The Wharf client takes it as the Wharf topic of the same
 * name. A JavaBean so the server can configure it; not thread-safe while configured, safe to share
 * afterwards.
 */
public class WharfAdminTopic implements Topic, Serializable, jakarta.resource.Referenceable {

    private static final long serialVersionUID = 1L;

    private String name;
    private Reference reference;

    public WharfAdminTopic() {
    }

    public WharfAdminTopic(String name) {
        this.name = name;
    }

    /** The topic's name at the broker. */
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    @Override
    public String getTopicName() {
        return name;
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() throws NamingException {
        return reference;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WharfAdminTopic q && Objects.equals(q.name, name);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return "topic://" + name;
    }
}
