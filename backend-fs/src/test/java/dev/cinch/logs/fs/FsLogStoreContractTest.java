package dev.cinch.logs.fs;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** The whole contract on the fs store, opened the way users open it: through ServiceLoader by name. */
class FsLogStoreContractTest extends AbstractLogStoreContractTest {
    @TempDir
    Path dataDir;

    @Override
    protected LogStore openStore() {
        return LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "fs")));
    }
}
