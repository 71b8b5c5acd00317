package dev.cinch.logs;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;
import dev.cinch.logs.config.StoreContext;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The registry of {@link LogStoreProvider}s found on the class path with {@link ServiceLoader}.
 *
 * <pre>{@code
 * try (LogStore store = LogStores.fromClassPath().open(CinchConfig.load(file, System.getenv(), Map.of()))) { ... }
 * }</pre>
 */
public final class LogStores {
    private final Map<String, LogStoreProvider> providers;

    private LogStores(Map<String, LogStoreProvider> providers) {
        this.providers = Collections.unmodifiableMap(providers);
    }

    /** Discovers providers with the context class loader (or this class's loader when there is none). */
    public static LogStores fromClassPath() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return of(ServiceLoader.load(LogStoreProvider.class, loader == null ? LogStores.class.getClassLoader() : loader)
                .stream().map(ServiceLoader.Provider::get).toList());
    }

    /** A registry of exactly these providers (tests, embedding). Duplicate names are an error. */
    public static LogStores of(List<LogStoreProvider> list) {
        Map<String, LogStoreProvider> map = new TreeMap<>();
        for (LogStoreProvider p : list) {
            LogStoreProvider previous = map.put(p.name(), p);
            if (previous != null) {
                throw new IllegalStateException("two log store providers named '" + p.name() + "': "
                        + previous.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return new LogStores(map);
    }

    /** Names of the available providers, sorted. */
    public List<String> names() {
        return List.copyOf(providers.keySet());
    }

    /** Opens the store named by {@code log-store} (default {@value CinchConfig#DEFAULT_LOG_STORE}). */
    public LogStore open(CinchConfig config) {
        return open(config.logStore(), config);
    }

    /** Opens the store of provider {@code name} with {@code config}; unknown names fail naming the key. */
    public LogStore open(String name, CinchConfig config) {
        return open(name, config, Map.of());
    }

    /**
     * Opens the store named by {@code log-store}, lending it resources the application already holds (the metadata's
     * database pool, so the db store does not open a second one); see {@link StoreContext#lent}.
     */
    public LogStore open(CinchConfig config, Map<Class<?>, Object> lent) {
        return open(config.logStore(), config, lent);
    }

    /** Opens the store of provider {@code name}, lending it {@code lent}; unknown names fail naming the key. */
    public LogStore open(String name, CinchConfig config, Map<Class<?>, Object> lent) {
        LogStoreProvider provider = providers.get(name);
        if (provider == null) {
            throw new ConfigException(CinchConfig.LOG_STORE, "no log store named '" + name + "'; available: " + names());
        }
        config.requireOnlyKnownKeys(provider);
        return provider.open(new StoreContext(config, this, lent));
    }
}
