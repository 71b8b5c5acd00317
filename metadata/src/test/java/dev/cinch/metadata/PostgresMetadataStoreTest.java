package dev.cinch.metadata;

import dev.cinch.sql.Dialect;
import dev.cinch.sql.Database;

import java.util.Optional;

/** The suite on a real Postgres server, in a fresh schema per test (see {@link TestPostgres}). */
class PostgresMetadataStoreTest extends AbstractMetadataStoreTest {
    private TestPostgres.Schema schema;

    @Override
    protected Database openDatabase() {
        // Checked per test, so an unreachable server shows as 27 skipped tests with the reason (or, in CI, 27
        // failures) rather than an aborted class that reports no tests at all.
        TestPostgres.requireReachable();
        schema = TestPostgres.freshSchema();
        return schema.open(4);
    }

    @Override
    protected Optional<Database> openSecondPool() {
        return Optional.of(schema.open(4));
    }

    @Override
    protected void dropDatabase() {
        if (schema != null) {
            schema.close();
        }
    }

    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }
}
