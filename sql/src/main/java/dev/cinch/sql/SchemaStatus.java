package dev.cinch.sql;

import java.util.List;

/**
 * The schema's state, without changing anything.
 *
 * @param dialect SQLite or Postgres
 * @param location where the database is (never with a password)
 * @param currentVersion highest applied migration, 0 for an empty database
 * @param latestVersion highest migration this build knows
 * @param pending versions this build would apply
 */
public record SchemaStatus(Dialect dialect, String location, int currentVersion, int latestVersion, List<Integer> pending) {
    public SchemaStatus {
        pending = List.copyOf(pending);
    }

    /** True when the database is newer than this build (another, newer server migrated it). */
    public boolean databaseIsNewer() {
        return currentVersion > latestVersion;
    }

    public boolean upToDate() {
        return currentVersion == latestVersion;
    }
}
