package dev.cinch.logs.s3;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreProvider;
import dev.cinch.logs.config.StoreContext;
import dev.cinch.logs.store.StorageBackedLogStore;
import dev.cinch.logs.store.StoreOptions;

import java.util.List;
import java.util.Set;

/** Provider {@code s3}: logs as objects in a bucket of any S3-compatible store. */
public final class S3LogStoreProvider implements LogStoreProvider {
    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Set<String> configKeys() {
        return S3StoreConfig.KEYS;
    }

    @Override
    public LogStore open(StoreContext context) {
        S3StoreConfig config = S3StoreConfig.from(context.config());
        return open(config, new S3LogStorage(config, S3Clients.build(config, List.of())));
    }

    /** A store over an already built storage (tests and benchmarks that add request interceptors). */
    public static StorageBackedLogStore open(S3StoreConfig config, S3LogStorage storage) {
        return new StorageBackedLogStore(new StoreOptions("s3", config.chunkLevel(), config.archive(),
                config.frameCacheBytes()), storage);
    }
}
