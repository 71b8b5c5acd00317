package dev.cinch.metadata;

/**
 * The schema cannot be brought to this build's version: a migration failed, an applied migration's file changed
 * since it was applied, or the database is newer than this build.
 */
public class MigrationException extends MetadataException {
    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
