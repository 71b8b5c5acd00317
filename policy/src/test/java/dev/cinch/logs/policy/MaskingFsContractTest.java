package dev.cinch.logs.policy;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.fs.FsDamage;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole contract on the fs store behind the masking store, with secrets registered for every job that the
 * suite's data never contains: masking must change nothing else (seq protocol, retries, reads, follow, seal).
 */
class MaskingFsContractTest extends AbstractLogStoreContractTest {
    @TempDir
    Path dataDir;

    @Override
    protected CinchConfig storeConfig() {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "fs"));
    }

    @Override
    protected LogStore openStore() {
        JobSecrets never = job -> List.of("cinch-never-printed-secret-7f3a".getBytes(StandardCharsets.UTF_8),
                "another/never+printed=value".getBytes(StandardCharsets.UTF_8));
        return new MaskingLogStore(LogStores.fromClassPath().open(storeConfig()), never);
    }

    @Override
    protected void damageChunk(JobId job, long seq) throws IOException {
        FsDamage.damageChunk(dataDir.resolve("logs"), job, seq);
    }

    @Override
    protected void damageIndex(JobId job, long seq) throws IOException {
        FsDamage.damageIndex(dataDir.resolve("logs"), job, seq);
    }

    @Override
    protected void damageArchive(JobId job) throws IOException {
        FsDamage.damageArchive(dataDir.resolve("logs"), job);
    }

    /** The decorator stores nothing itself: the big cases prove the fs store in its own suite; here, delegation. */
    @Override
    protected int scalePercent() {
        return 25;
    }
}
