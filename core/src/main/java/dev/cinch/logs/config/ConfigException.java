package dev.cinch.logs.config;

/** Invalid or missing configuration, found at start-up. The message names the key and where it came from. */
public class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super("configuration key '" + key + "': " + message);
        this.key = key;
    }

    public ConfigException(String key, String message, Throwable cause) {
        super("configuration key '" + key + "': " + message, cause);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
