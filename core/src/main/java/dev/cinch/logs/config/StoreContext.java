package dev.cinch.logs.config;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;

import java.nio.file.Path;

/**
 * What a {@link dev.cinch.logs.LogStoreProvider} gets to build a store: the whole configuration (each provider
 * reads its own section) and a way to open other stores by name, for composite stores such as the tiered one.
 */
public record StoreContext(CinchConfig config, LogStores stores) {

    /** The data directory every local backend keeps its files under. */
    public Path dataDir() {
        return config.dataDir();
    }

    /** Opens another configured store by provider name; the caller owns and closes it. */
    public LogStore open(String storeName) {
        return stores.open(storeName, config);
    }
}
