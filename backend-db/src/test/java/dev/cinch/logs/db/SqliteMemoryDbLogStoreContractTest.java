package dev.cinch.logs.db;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.sql.Database;
import dev.cinch.sql.SqlWork;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/**
 * The whole contract on an in-memory SQLite database, lent to every store of the test the way the metadata lends its
 * pool: "reopening" is a second store instance on the same (single-connection) pool, which must stay open after the
 * stores close.
 */
class SqliteMemoryDbLogStoreContractTest extends AbstractDbContractTest {
    @TempDir
    Path dataDir;
    private Database db;

    @Override
    protected void prepareStorage() {
        db = Database.sqlite(Database.SQLITE_MEMORY, 1, Duration.ofSeconds(5));
    }

    @Override
    protected void cleanupStorage() {
        db.close();
    }

    @Override
    protected CinchConfig storeConfig() {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "db"));
    }

    @Override
    protected LogStore openStore() {
        return LogStores.fromClassPath().open(storeConfig(), Map.of(Database.class, db));
    }

    @Override
    protected Database openDatabase() {
        return db.lend(LogStoreErrors.INSTANCE);
    }

    @Override
    protected <T> T sql(SqlWork<T> work) throws SQLException {
        try (Connection c = db.connection()) {
            return work.run(c);
        }
    }
}
