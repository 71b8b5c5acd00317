package dev.cinch.metadata;

import dev.cinch.sql.Database;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The multi-process queue test on Postgres, in a fresh schema. */
class PostgresQueueWorkersProcessTest extends AbstractQueueWorkersProcessTest {
    private TestPostgres.Schema schema;

    @BeforeEach
    void createSchema() {
        TestPostgres.requireReachable();
        schema = TestPostgres.freshSchema();
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            schema.close();
        }
    }

    @Override
    protected Database openDatabase() {
        return schema.open(4);
    }

    @Override
    protected String childConfig() {
        return "database.url=" + schema.databaseUrl() + ",database.pool-size=2";
    }
}
