package dev.cinch.logs.tiered;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.fs.FsDamage;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole contract on the tiered store: an fs hot tier and an fs cold tier with its own archive settings, records
 * in a real SQLite file, and move-at-seal, so every sealed log the suite reads, exports, imports, verifies and
 * deletes has been moved to the cold tier through the recorded state machine.
 */
class TieredLogStoreContractTest extends AbstractLogStoreContractTest {
    @TempDir
    Path dataDir;

    @Override
    protected CinchConfig storeConfig() {
        Map<String, String> c = new HashMap<>();
        c.put("data-dir", dataDir.toString());
        c.put("log-store", "tiered");
        c.put("tiered.tiers", "hot, cold");
        c.put("tiered.move-at-seal", "true");
        c.put("tiered.hot.store", "fs");
        c.put("tiered.hot.fs.root", hotRoot().toString());
        c.put("tiered.cold.store", "fs");
        c.put("tiered.cold.fs.root", coldRoot().toString());
        c.put("tiered.cold.fs.archive-level", "12");
        return CinchConfig.of(c);
    }

    private Path hotRoot() {
        return dataDir.resolve("hot");
    }

    private Path coldRoot() {
        return dataDir.resolve("cold");
    }

    @Override
    protected String tierOf(LogStore s, boolean sealed) {
        return sealed ? "cold" : "hot";
    }

    @Override
    protected void damageChunk(JobId job, long seq) throws IOException {
        FsDamage.damageChunk(hotRoot(), job, seq);
    }

    @Override
    protected void damageIndex(JobId job, long seq) throws IOException {
        FsDamage.damageIndex(hotRoot(), job, seq);
    }

    @Override
    protected void damageArchive(JobId job) throws IOException {
        FsDamage.damageArchive(coldRoot(), job);
    }
}
