package dev.cinch.logs.metrics;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.fs.FsDamage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The whole store contract through the decorator over a real fs store: metering changes no behaviour. */
class MeteredFsContractTest extends AbstractLogStoreContractTest {
    @TempDir
    Path dataDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Override
    protected CinchConfig storeConfig() {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "fs"));
    }

    @Override
    protected LogStore openStore() {
        return MeteredLogStore.wrap(LogStores.fromClassPath().open(storeConfig()), registry);
    }

    private Path root() {
        return dataDir.resolve("logs");
    }

    @Override
    protected void damageChunk(JobId job, long seq) throws IOException {
        FsDamage.damageChunk(root(), job, seq);
    }

    @Override
    protected void damageIndex(JobId job, long seq) throws IOException {
        FsDamage.damageIndex(root(), job, seq);
    }

    @Override
    protected void damageArchive(JobId job) throws IOException {
        FsDamage.damageArchive(root(), job);
    }

    /** The decorator stores nothing itself: the big cases prove the fs store in its own suite; here, delegation. */
    @Override
    protected int scalePercent() {
        return 25;
    }
}
