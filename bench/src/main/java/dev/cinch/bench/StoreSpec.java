package dev.cinch.bench;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreProvider;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Which store a benchmark opens: a provider name found through ServiceLoader, and the durability the benchmark
 * asks of it. Nothing here knows any backend: a new provider on the class path is benchmarked by passing its name
 * ({@code -p store=db}).
 *
 * <p>Durability is handed to the store as {@code <store>.durability} (fsync | group | none) when the provider
 * declares that key. A provider without it is opened with its defaults and {@link #durabilityApplied()} says so,
 * so the report never labels a result with a setting the store did not use.
 *
 * @param name provider name ({@code fs}, ...)
 * @param durability fsync | group | none
 * @param extraSettings further settings for the store (report experiments), usually none
 */
public record StoreSpec(String name, String durability, Map<String, String> extraSettings) {

    public StoreSpec {
        extraSettings = Map.copyOf(extraSettings);
    }

    public StoreSpec(String name, String durability) {
        this(name, durability, Map.of());
    }

    /**
     * Parses {@code name} or {@code name:key=value,key=value} (or {@code ;} between settings) (e.g. {@code fs:fs.archive-level=19}), so a report
     * can compare a store's settings without code that knows the store.
     */
    public static StoreSpec parse(String spec, String durability) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return new StoreSpec(spec, durability);
        }
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        // ';' separates settings too: JMH splits a parameter list at commas, so a spec inside one uses ';'.
        for (String pair : spec.substring(colon + 1).split("[,;]")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("store setting '" + pair + "' is not key=value");
            }
            extra.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new StoreSpec(spec.substring(0, colon), durability, extra);
    }

    /** How the report names this store: {@code fs} or {@code fs (fs.archive-level=19)}. */
    public String label() {
        return extraSettings.isEmpty() ? name : name + " (" + String.join(", ",
                extraSettings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()) + ")";
    }

    public String durabilityKey() {
        return BenchTargets.provider(name) + ".durability";
    }

    /**
     * True when the provider has a durability setting that takes fsync | group | none, so {@link #durability} is what
     * it runs with. (The s3 store's is stored | buffered, another promise: it runs with its default, stored.)
     */
    public boolean durabilityApplied() {
        return provider().configKeys().contains(durabilityKey()) && !BenchTargets.provider(name).equals("s3");
    }

    /** Opens the store over {@code dataDir}, with what its target needs on this machine ({@link BenchTargets}). */
    public LogStore open(Path dataDir) {
        Map<String, String> settings = new HashMap<>(BenchTargets.settings(name, dataDir));
        settings.put(CinchConfig.DATA_DIR, dataDir.toString());
        if (durabilityApplied()) {
            settings.put(durabilityKey(), durability);
        }
        settings.putAll(extraSettings);
        return LogStores.fromClassPath().open(BenchTargets.provider(name), CinchConfig.of(settings));
    }

    private LogStoreProvider provider() {
        for (LogStoreProvider p : ServiceLoader.load(LogStoreProvider.class, StoreSpec.class.getClassLoader())) {
            if (p.name().equals(BenchTargets.provider(name))) {
                return p;
            }
        }
        throw new IllegalArgumentException("no log store provider named '" + name + "' on the class path; available: "
                + LogStores.fromClassPath().names());
    }
}
