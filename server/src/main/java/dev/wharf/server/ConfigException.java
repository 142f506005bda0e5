package dev.wharf.server;

/**
 * The broker configuration or the launcher arguments are wrong. The message says which value is
 * wrong and what is expected; the launcher prints it as one line and exits with status 2.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
