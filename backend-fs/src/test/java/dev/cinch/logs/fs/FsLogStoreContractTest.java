package dev.cinch.logs.fs;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.JobId;
import dev.cinch.logs.config.CinchConfig;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The whole contract on the fs store, opened the way users open it: through ServiceLoader by name. */
class FsLogStoreContractTest extends AbstractLogStoreContractTest {
    @TempDir
    Path dataDir;

    @Override
    protected CinchConfig storeConfig() {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "fs"));
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
}
