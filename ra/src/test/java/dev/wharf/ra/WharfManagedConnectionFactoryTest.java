package dev.wharf.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.resource.spi.security.PasswordCredential;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class WharfManagedConnectionFactoryTest {

    private static WharfManagedConnectionFactory mcf(String url, String user, String password) {
        WharfManagedConnectionFactory f = new WharfManagedConnectionFactory();
        f.setUrl(url);
        f.setUser(user);
        f.setPassword(password);
        return f;
    }

    @Test
    void factoriesWithTheSamePropertiesAreEqualWithEqualHashCodes() {
        WharfManagedConnectionFactory a = mcf("wharf://a:1", "u", "p");
        WharfManagedConnectionFactory b = mcf("wharf://a:1", "u", "p");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void factoriesDifferingInAnyPropertyAreNotEqual() {
        WharfManagedConnectionFactory a = mcf("wharf://a:1", "u", "p");
        assertNotEquals(a, mcf("wharf://b:1", "u", "p"));
        assertNotEquals(a, mcf("wharf://a:1", "v", "p"));
        assertNotEquals(a, mcf("wharf://a:1", "u", "q"));
    }

    @Test
    void unsetPropertiesComeFromTheResourceAdapter() {
        WharfResourceAdapter ra = new WharfResourceAdapter();
        ra.setUrl("wharf://broker:61800");
        ra.setUser("app");
        ra.setPassword("secret");
        WharfManagedConnectionFactory f = mcf(null, "", null);
        f.setResourceAdapter(ra);
        assertEquals(new ConnectionSettings("wharf://broker:61800", "app", "secret"), f.settings());
        f.setUrl("wharf://other:1");
        assertEquals("wharf://other:1", f.settings().url());
    }

    @Test
    void withoutAnyUrlTheDefaultBrokerIsUsed() {
        WharfManagedConnectionFactory f = mcf(null, null, null);
        assertEquals("wharf://localhost:61700", f.settings().url());
        assertNull(f.settings().user());
    }

    @Test
    void credentialsComeFromTheContainerThenTheApplicationThenTheConfiguration() {
        WharfManagedConnectionFactory f = mcf("wharf://a:1", "configured", "c");
        assertEquals(new WharfConnectionRequestInfo("configured", "c"), f.credentials(null, null));
        assertEquals(new WharfConnectionRequestInfo("app", "a"), f.credentials(null, new WharfConnectionRequestInfo("app", "a")));
        Subject subject = new Subject();
        PasswordCredential pc = new PasswordCredential("container", "x".toCharArray());
        pc.setManagedConnectionFactory(f);
        subject.getPrivateCredentials().add(pc);
        assertEquals(new WharfConnectionRequestInfo("container", "x"),
                f.credentials(subject, new WharfConnectionRequestInfo("app", "a")));
    }

    @Test
    void settingsNeverPrintThePassword() {
        assertEquals("wharf://a:1 as u", new ConnectionSettings("wharf://a:1", "u", "secret").toString());
    }
}
