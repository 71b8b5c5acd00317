package dev.cinch.sql;

import java.util.List;

/**
 * What {@link Migrator#migrate()} did.
 *
 * @param applied versions this call applied, in order; empty when the schema was already current (or another
 *     process applied them while this one waited for the lock)
 * @param currentVersion the schema version afterwards
 */
public record MigrationResult(List<Integer> applied, int currentVersion) {
    public MigrationResult {
        applied = List.copyOf(applied);
    }
}
