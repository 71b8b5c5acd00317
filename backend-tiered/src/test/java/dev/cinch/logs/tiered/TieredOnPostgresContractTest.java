package dev.cinch.logs.tiered;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.metadata.TestPostgres;

import java.util.HashMap;
import java.util.Map;

/**
 * The whole contract on the tiered store with its location records in the real Postgres server (a fresh schema per
 * test), the way a hosted installation keeps them: fs hot and cold tiers, move-at-seal.
 */
class TieredOnPostgresContractTest extends TieredLogStoreContractTest {
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
        Map<String, String> c = new HashMap<>();
        CinchConfig base = super.storeConfig();
        base.keys().forEach(k -> c.put(k, base.get(k).orElseThrow()));
        c.put("database.url", schema.databaseUrl());
        return CinchConfig.of(c);
    }
}
