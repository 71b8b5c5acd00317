package dev.cinch.logs.fs;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreProvider;
import dev.cinch.logs.config.StoreContext;
import dev.cinch.logs.store.StorageBackedLogStore;
import dev.cinch.logs.store.StoreOptions;

import java.util.Set;

/** Provider {@code fs}: logs as files under the data directory. */
public final class FsLogStoreProvider implements LogStoreProvider {
    @Override
    public String name() {
        return "fs";
    }

    @Override
    public Set<String> configKeys() {
        return FsStoreConfig.KEYS;
    }

    @Override
    public LogStore open(StoreContext context) {
        FsStoreConfig config = FsStoreConfig.from(context.config());
        return new StorageBackedLogStore(new StoreOptions(name(), config.chunkLevel(), config.archive(), config.frameCacheBytes()),
                new FsLogStorage(config));
    }
}
