package dev.cinch.metadata;

import org.junit.jupiter.api.BeforeAll;

import java.util.Optional;

/** The suite on a real Postgres server, in a fresh schema per test (see {@link TestPostgres}). */
class PostgresMetadataStoreTest extends AbstractMetadataStoreTest {
    private TestPostgres.Schema schema;

    @BeforeAll
    static void requirePostgres() {
        TestPostgres.requireReachable();
    }

    @Override
    protected Database openDatabase() {
        schema = TestPostgres.freshSchema();
        return schema.open(4);
    }

    @Override
    protected Optional<Database> openSecondPool() {
        return Optional.of(schema.open(4));
    }

    @Override
    protected void dropDatabase() {
        schema.close();
    }

    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }
}
