package dev.cinch.logs.policy;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.fs.FsContractTestBase;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The whole contract on the fs store behind the masking store, with secrets registered for every job that the
 * suite's data never contains: masking must change nothing else (seq protocol, retries, reads, follow, seal).
 */
class MaskingFsContractTest extends FsContractTestBase {
    @Override
    protected LogStore openStore() {
        JobSecrets never = job -> List.of("cinch-never-printed-secret-7f3a".getBytes(StandardCharsets.UTF_8),
                "another/never+printed=value".getBytes(StandardCharsets.UTF_8));
        return new MaskingLogStore(LogStores.fromClassPath().open(storeConfig()), never);
    }

    /** The decorator stores nothing itself: the big cases prove the fs store in its own suite; here, delegation. */
    @Override
    protected int scalePercent() {
        return 25;
    }
}
