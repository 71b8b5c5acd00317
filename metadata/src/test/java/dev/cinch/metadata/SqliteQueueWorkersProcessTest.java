package dev.cinch.metadata;

import dev.cinch.sql.Database;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The multi-process queue test on one SQLite file shared by eight worker processes. */
class SqliteQueueWorkersProcessTest extends AbstractQueueWorkersProcessTest {
    @TempDir
    Path dir;

    @Override
    protected Database openDatabase() {
        return Database.open(dev.cinch.logs.config.CinchConfig.of(java.util.Map.of("data-dir", dir.toString())));
    }

    @Override
    protected String childConfig() {
        return "data-dir=" + dir;
    }
}
