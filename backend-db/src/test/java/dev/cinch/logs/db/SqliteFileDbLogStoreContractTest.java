package dev.cinch.logs.db;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.sql.Database;
import dev.cinch.sql.SqlWork;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/** The whole contract on a SQLite file, each store opening its own pool, as a standalone store does. */
class SqliteFileDbLogStoreContractTest extends AbstractDbContractTest {
    @TempDir
    Path dataDir;

    @Override
    protected CinchConfig storeConfig() {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "db"));
    }

    @Override
    protected <T> T sql(SqlWork<T> work) throws SQLException {
        try (Database db = Database.sqlite(dataDir.resolve(Database.SQLITE_FILE_NAME).toString(), 1, Duration.ofSeconds(5));
             Connection c = db.connection()) {
            return work.run(c);
        }
    }
}
