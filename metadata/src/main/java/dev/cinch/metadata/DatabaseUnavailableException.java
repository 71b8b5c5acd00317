package dev.cinch.metadata;

/**
 * The database could not be reached or opened. The message names the dialect and where it was looked for
 * (host and port, or file), never a password.
 */
public class DatabaseUnavailableException extends MetadataException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
