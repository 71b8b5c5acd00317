package dev.cinch.cli;

import java.util.Map;

/**
 * The metadata commands with the logs in the same SQLite database ({@code CINCH_LOG_STORE=db}): {@code cleanup}
 * deletes the db logs through the store, which borrows the metadata's pool.
 */
class SqliteDbStoreMetadataCommandsTest extends AbstractMetadataCommandsTest {
    @Override
    Map<String, String> databaseEnv() {
        return Map.of("CINCH_LOG_STORE", "db");
    }

    @Override
    String dialect() {
        return "sqlite";
    }
}
