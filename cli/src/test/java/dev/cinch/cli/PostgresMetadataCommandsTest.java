package dev.cinch.cli;

import dev.cinch.metadata.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.Map;

/**
 * The metadata commands with {@code DATABASE_URL} pointing at the test Postgres server ({@code CINCH_TEST_DATABASE_URL},
 * default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), a fresh schema per test. Logs stay in the
 * fs store. Unreachable server: a failure when {@code CI} is set, otherwise a skip saying why.
 */
class PostgresMetadataCommandsTest extends AbstractMetadataCommandsTest {
    private TestPostgres.Schema schema;

    @BeforeAll
    static void serverAnswers() {
        TestPostgres.requireReachable();
    }

    @BeforeEach
    void createSchema() {
        schema = TestPostgres.freshSchema();
    }

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    @Override
    Map<String, String> databaseEnv() {
        return Map.of("DATABASE_URL", schema.databaseUrl());
    }

    @Override
    String dialect() {
        return "postgres";
    }
}
