package dev.cinch.metadata;

/**
 * The database stayed locked by other writers for longer than this process waits (SQLite: the busy timeout and the
 * retry budget, {@code database.busy-timeout} and {@code database.busy-retry-budget}; Postgres: a deadlock or
 * serialization failure). Nothing was written; the operation may be retried.
 */
public class DatabaseBusyException extends MetadataException {
    public DatabaseBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
