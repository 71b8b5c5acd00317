package dev.cinch.metadata;

import dev.cinch.sql.Database;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/** The job queue on a SQLite file. */
class SqliteJobQueueTest extends AbstractJobQueueTest {
    @TempDir
    Path dir;

    @Override
    protected Database openDatabase() {
        return Database.sqlite(dir.resolve("cinch.db").toString(), 4, Duration.ofSeconds(10));
    }
}
