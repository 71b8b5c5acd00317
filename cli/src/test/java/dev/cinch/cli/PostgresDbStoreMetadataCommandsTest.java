package dev.cinch.cli;

import java.util.HashMap;
import java.util.Map;

/** The metadata commands with the logs in the same Postgres schema ({@code CINCH_LOG_STORE=db}). */
class PostgresDbStoreMetadataCommandsTest extends PostgresMetadataCommandsTest {
    @Override
    Map<String, String> databaseEnv() {
        Map<String, String> env = new HashMap<>(super.databaseEnv());
        env.put("CINCH_LOG_STORE", "db");
        return env;
    }
}
