package dev.cinch.metadata;

import dev.cinch.sql.Dialect;
import dev.cinch.sql.Database;

import java.time.Duration;
import java.util.Optional;

/**
 * The suite on an in-memory SQLite database (the seed's test setup): one connection that holds the whole database,
 * so tests that need a second pool on the same database are not meaningful here.
 */
class SqliteMemoryMetadataStoreTest extends AbstractMetadataStoreTest {
    @Override
    protected Database openDatabase() {
        return Database.sqlite(Database.SQLITE_MEMORY, 1, Duration.ofSeconds(10));
    }

    @Override
    protected Optional<Database> openSecondPool() {
        return Optional.empty();
    }

    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }
}
