package dev.cinch.logs.metrics;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.fs.FsContractTestBase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The whole store contract through the decorator over a real fs store: metering changes no behaviour. */
class MeteredFsContractTest extends FsContractTestBase {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Override
    protected LogStore openStore() {
        return MeteredLogStore.wrap(LogStores.fromClassPath().open(storeConfig()), registry);
    }

    /** The decorator stores nothing itself: the big cases prove the fs store in its own suite; here, delegation. */
    @Override
    protected int scalePercent() {
        return 25;
    }
}
