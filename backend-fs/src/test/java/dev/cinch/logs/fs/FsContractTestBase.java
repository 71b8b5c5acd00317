package dev.cinch.logs.fs;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.JobId;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.storage.LogStorage;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The contract on an fs store in a fresh data dir, with the damage hooks that reach into its files: the base of the
 * fs suite and of the suites of decorators over fs (masking, metrics), which override {@code openStore} to wrap it.
 */
public abstract class FsContractTestBase extends AbstractLogStoreContractTest {
    @TempDir
    protected Path dataDir;

    @Override
    protected CinchConfig storeConfig() {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "fs"));
    }

    @Override
    protected boolean canOpenStorage() {
        return true;
    }

    @Override
    protected LogStorage openStorage() {
        return new FsLogStorage(FsStoreConfig.from(storeConfig()));
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
