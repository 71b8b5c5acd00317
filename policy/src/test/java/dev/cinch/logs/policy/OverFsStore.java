package dev.cinch.logs.policy;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** Tests of a decorator over a real fs store in a fresh data directory (durability none: these tests are not about it). */
abstract class OverFsStore {
    @TempDir
    Path dataDir;

    LogStore fs;

    @BeforeEach
    void openFsStore() {
        fs = LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "fs",
                "fs.durability", "none")));
    }

    @AfterEach
    void closeFsStore() {
        fs.close();
    }
}
