package dev.cinch.logs.db;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreProvider;
import dev.cinch.logs.config.StoreContext;
import dev.cinch.logs.store.StorageBackedLogStore;
import dev.cinch.logs.store.StoreOptions;
import dev.cinch.sql.Database;

import java.util.Set;

/**
 * Provider {@code db}: logs in the metadata's database (SQLite {@code <data-dir>/cinch.db}, or Postgres when
 * {@code database.url} is set). When the application lends its {@link Database} through the {@link StoreContext}
 * (the metadata's pool), the store uses that pool and never closes it; otherwise it opens a pool of its own from the
 * same {@code database.*} settings and closes it with the store.
 */
public final class DbLogStoreProvider implements LogStoreProvider {
    @Override
    public String name() {
        return "db";
    }

    @Override
    public Set<String> configKeys() {
        return DbStoreConfig.KEYS;
    }

    @Override
    public LogStore open(StoreContext context) {
        DbStoreConfig config = DbStoreConfig.from(context.config());
        Database db = context.lent(Database.class)
                .map(lent -> lent.lend(LogStoreErrors.INSTANCE))
                .orElseGet(() -> Database.open(context.config(), LogStoreErrors.INSTANCE));
        DbLogStorage storage;
        try {
            storage = new DbLogStorage(config, db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return new StorageBackedLogStore(new StoreOptions(name(), config.chunkLevel(), config.archive(),
                config.frameCacheBytes()), storage);
    }
}
