package dev.wharf.ra;

import jakarta.jms.Queue;
import java.io.Serializable;
import java.util.Objects;
import javax.naming.NamingException;
import javax.naming.Reference;

/**
 * A queue administered object ({@code asadmin create-admin-object --restype jakarta.jms.Queue
 * --property name=orders jms/orders}). The Wharf client takes it as the Wharf queue of the same
 * name. A JavaBean so the server can configure it; not thread-safe while configured, safe to share
 * afterwards.
 */
public class WharfAdminQueue implements Queue, Serializable, jakarta.resource.Referenceable {

    private static final long serialVersionUID = 1L;

    private String name;
    private Reference reference;

    public WharfAdminQueue() {
    }

    public WharfAdminQueue(String name) {
        this.name = name;
    }

    /** The queue's name at the broker. */
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    @Override
    public String getQueueName() {
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
        return o instanceof WharfAdminQueue q && Objects.equals(q.name, name);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return "queue://" + name;
    }
}
