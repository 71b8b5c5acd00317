package dev.cinch.metadata;

/**
 * Root of every error the metadata store reports. Unchecked: callers catch the subtype they can act on
 * ({@link NotFoundException}, {@link InvalidTransitionException}, ...) and let the rest propagate.
 *
 * <p>Messages name the table, row id and field involved; they never contain secret values, passwords or raw
 * tokens.
 */
public class MetadataException extends RuntimeException {
    public MetadataException(String message) {
        super(message);
    }

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
