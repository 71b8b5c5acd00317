package dev.cinch.logs.config;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link dev.cinch.logs.LogStoreProvider} gets to build a store: the whole configuration (each provider
 * reads its own section), a way to open other stores by name, for composite stores such as the tiered one, and
 * resources the embedding application lends to stores ({@link #lent}).
 *
 * @param lent resources by type, e.g. the metadata's database pool for the db store. A store uses what it is lent
 *     and never closes it: the lender does, after closing the store.
 */
public record StoreContext(CinchConfig config, LogStores stores, Map<Class<?>, Object> lent) {

    public StoreContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(stores, "stores");
        lent = Map.copyOf(lent);
        for (Map.Entry<Class<?>, Object> e : lent.entrySet()) {
            if (!e.getKey().isInstance(e.getValue())) {
                throw new IllegalArgumentException("lent resource " + e.getValue().getClass().getName()
                        + " is not a " + e.getKey().getName());
            }
        }
    }

    /** A context that lends nothing. */
    public StoreContext(CinchConfig config, LogStores stores) {
        this(config, stores, Map.of());
    }

    /** The data directory every local backend keeps its files under. */
    public Path dataDir() {
        return config.dataDir();
    }

    /** The resource of this type the application lends to stores, if any. */
    public <T> Optional<T> lent(Class<T> type) {
        return Optional.ofNullable(lent.get(type)).map(type::cast);
    }

    /** Opens another configured store by provider name, lending it the same resources; the caller owns and closes it. */
    public LogStore open(String storeName) {
        return stores.open(storeName, config, lent);
    }
}
