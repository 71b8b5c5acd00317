package dev.cinch.logs.db;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.metadata.TestPostgres;
import dev.cinch.sql.Database;
import dev.cinch.sql.SqlWork;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** The whole contract on the real Postgres, each test in a fresh schema; every store opens its own pool. */
class PostgresDbLogStoreContractTest extends AbstractDbContractTest {
    @TempDir
    Path dataDir;
    private TestPostgres.Schema schema;

    @Override
    protected void prepareStorage() {
        TestPostgres.requireReachable();
        schema = TestPostgres.freshSchema();
    }

    @Override
    protected void cleanupStorage() {
        if (schema != null) {
            schema.close();
        }
    }

    @Override
    protected CinchConfig storeConfig() {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "db",
                "database.url", schema.databaseUrl(), "database.pool-size", "4"));
    }

    @Override
    protected <T> T sql(SqlWork<T> work) throws SQLException {
        try (Database db = schema.open(1); Connection c = db.connection()) {
            return work.run(c);
        }
    }
}
