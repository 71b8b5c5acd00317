package dev.cinch.metadata;

import dev.cinch.sql.Dialect;
import dev.cinch.sql.Database;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The suite on a SQLite file in WAL mode, the self-hosted default. */
class SqliteFileMetadataStoreTest extends AbstractMetadataStoreTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("cinch.db");
    }

    @Override
    protected Database openDatabase() {
        return Database.sqlite(file().toString(), 4, Duration.ofSeconds(10));
    }

    @Override
    protected Optional<Database> openSecondPool() {
        return Optional.of(Database.sqlite(file().toString(), 4, Duration.ofSeconds(10)));
    }

    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }
}
