package dev.cinch.logs.config;

import dev.cinch.logs.LogStoreProvider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every key Cinch can read: core's own ({@value CinchConfig#DATA_DIR}, {@value CinchConfig#LOG_STORE}) plus those
 * the {@link ConfigComponent}s declare. {@link CinchConfig#load} checks each setting against it, so a key no
 * component reads fails at start naming the key, where it came from and what is known, instead of being ignored.
 *
 * <p>Core keeps no list of sections or backends: a section exists when the module that reads it is on the class
 * path. That also decides which {@code CINCH_*} environment variables are settings: {@code CINCH_<SECTION>_<NAME>}
 * for a declared section sets {@code <section>.<name>}, and is refused when that section has no such key;
 * {@code CINCH_*} variables of any other prefix belong to other tools (test and benchmark switches) and are ignored.
 */
public final class ConfigSchema {
    /** Keys core itself reads. */
    public static final Set<String> CORE_KEYS = Set.of(CinchConfig.DATA_DIR, CinchConfig.LOG_STORE);

    /** Environment variables core maps to its keys ({@value CinchConfig#CONFIG_FILE_ENV} names the file instead). */
    public static final Map<String, String> CORE_ENV_NAMES = Map.of(
            "CINCH_DATA_DIR", CinchConfig.DATA_DIR,
            "CINCH_LOG_STORE", CinchConfig.LOG_STORE);

    private static final String ENV_PREFIX = "CINCH_";
    private static final Pattern SECTION = Pattern.compile("[a-z][a-z0-9-]*");

    private final Map<String, ConfigComponent> bySection;
    private final Map<String, String> envNames;

    private ConfigSchema(Map<String, ConfigComponent> bySection, Map<String, String> envNames) {
        this.bySection = Collections.unmodifiableMap(bySection);
        this.envNames = Collections.unmodifiableMap(envNames);
    }

    /** The components on the class path: every {@link ConfigComponent} service and every {@link LogStoreProvider}. */
    public static ConfigSchema fromClassPath() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return fromClassPath(loader == null ? ConfigSchema.class.getClassLoader() : loader);
    }

    /** The components {@code loader} finds as services. */
    public static ConfigSchema fromClassPath(ClassLoader loader) {
        Map<Class<?>, ConfigComponent> found = new LinkedHashMap<>();
        // A provider also listed as a component is the same component once, not a second owner of its section.
        ServiceLoader.load(LogStoreProvider.class, loader).forEach(p -> found.putIfAbsent(p.getClass(), p));
        ServiceLoader.load(ConfigComponent.class, loader).forEach(c -> found.putIfAbsent(c.getClass(), c));
        return of(found.values());
    }

    /**
     * A schema of exactly these components (tests, embedding).
     *
     * @throws IllegalStateException when the declarations break a rule of {@link ConfigComponent}: two owners of a
     *     section, a key outside its component's sections, an environment name mapped twice
     */
    public static ConfigSchema of(Collection<? extends ConfigComponent> components) {
        Map<String, ConfigComponent> bySection = new TreeMap<>();
        Map<String, String> envNames = new TreeMap<>(CORE_ENV_NAMES);
        Map<String, ConfigComponent> envOwner = new TreeMap<>();
        for (ConfigComponent c : components) {
            for (String section : c.configSections()) {
                if (!SECTION.matcher(section).matches()) {
                    throw new IllegalStateException(c.getClass().getName() + " declares section '" + section
                            + "'; a section is lower case letters, digits and '-', starting with a letter");
                }
                ConfigComponent previous = bySection.put(section, c);
                if (previous != null) {
                    throw new IllegalStateException("two components own configuration section '" + section + "': "
                            + previous.getClass().getName() + " and " + c.getClass().getName());
                }
            }
            for (String key : c.configKeys()) {
                int dot = key.indexOf('.');
                if (dot <= 0 || dot == key.length() - 1 || !c.configSections().contains(key.substring(0, dot))) {
                    throw new IllegalStateException(c.getClass().getName() + " declares key '" + key
                            + "' outside its sections " + new TreeSet<>(c.configSections()));
                }
            }
            c.configEnvNames().forEach((name, key) -> {
                if (!c.configKeys().contains(key)) {
                    throw new IllegalStateException(c.getClass().getName() + " maps env " + name + " to '" + key
                            + "', which is not one of its keys");
                }
                if (name.equals(CinchConfig.CONFIG_FILE_ENV) || envNames.containsKey(name)) {
                    ConfigComponent other = envOwner.get(name);
                    throw new IllegalStateException(c.getClass().getName() + " maps env " + name + ", which "
                            + (other == null ? "core" : other.getClass().getName()) + " already maps");
                }
                envNames.put(name, key);
                envOwner.put(name, c);
            });
        }
        return new ConfigSchema(bySection, envNames);
    }

    /** The sections the components own, sorted. */
    public Set<String> sections() {
        return Collections.unmodifiableSet(new TreeSet<>(bySection.keySet()));
    }

    /** Every known key, core's and the components', sorted. */
    public Set<String> keys() {
        Set<String> keys = new TreeSet<>(CORE_KEYS);
        bySection.values().forEach(c -> keys.addAll(c.configKeys()));
        return Collections.unmodifiableSet(keys);
    }

    /** Environment variables with names of their own (core's and the components'), each with the key it sets. */
    public Map<String, String> envNames() {
        return envNames;
    }

    /**
     * The key an environment variable sets, or empty when it is not a Cinch setting. The key may still be unknown
     * ({@code CINCH_FS_DURABILTY} gives {@code fs.durabilty}); {@link #check} says so.
     */
    public Optional<String> envKey(String name) {
        String named = envNames.get(name);
        if (named != null) {
            return Optional.of(named);
        }
        if (!name.startsWith(ENV_PREFIX) || name.equals(CinchConfig.CONFIG_FILE_ENV)) {
            return Optional.empty();
        }
        // The longest section wins, so sections 'archive' and 'archive-tier' can both be set unambiguously.
        String best = null;
        for (String section : bySection.keySet()) {
            String prefix = envPrefix(section);
            if (name.startsWith(prefix) && name.length() > prefix.length() && (best == null || section.length() > best.length())) {
                best = section;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(best + "." + name.substring(envPrefix(best).length()).toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    private static String envPrefix(String section) {
        return ENV_PREFIX + section.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    /** True when {@code name} is a section a component owns. */
    public boolean isSection(String name) {
        return bySection.containsKey(name);
    }

    /**
     * Fails unless some component (or core) reads {@code key}.
     *
     * @param source where the key was set, for the message: {@code file cinch.yml}, {@code env CINCH_FS_ROOT}
     * @throws ConfigException naming the key, its source and the known keys of its section (or the known sections)
     */
    public void check(String key, String source) {
        if (CORE_KEYS.contains(key)) {
            return;
        }
        int dot = key.indexOf('.');
        ConfigComponent owner = dot > 0 ? bySection.get(key.substring(0, dot)) : null;
        if (owner != null) {
            if (!owner.readsKey(key)) {
                throw unknownInSection(key, source, key.substring(0, dot), owner.configKeys(), keys());
            }
            return;
        }
        String where = dot > 0
                ? "no module on the class path reads section '" + key.substring(0, dot) + "'"
                : "not a top-level key";
        throw new ConfigException(key, "unknown key (from " + source + "); " + where + ". Top-level keys: "
                + String.join(", ", new TreeSet<>(CORE_KEYS)) + "; sections: "
                + (bySection.isEmpty() ? "(none)" : String.join(", ", bySection.keySet())) + suggestion(key, keys()));
    }

    /** The error for a key a section's component does not read; {@code allKeys} feeds the "did you mean". */
    static ConfigException unknownInSection(String key, String source, String section, Set<String> componentKeys,
                                            Set<String> allKeys) {
        List<String> known = componentKeys.stream().filter(k -> k.startsWith(section + ".")).sorted().toList();
        return new ConfigException(key, "unknown key (from " + source + "); section '" + section + "' has: "
                + String.join(", ", known) + suggestion(key, allKeys));
    }

    /** Catches the usual slips, {@code data_dir} or {@code FS.Durability}, without guessing further. */
    private static String suggestion(String key, Set<String> known) {
        String wanted = normalized(key);
        List<String> matches = new ArrayList<>();
        for (String k : known) {
            if (normalized(k).equals(wanted)) {
                matches.add(k);
            }
        }
        return matches.size() == 1 ? " (did you mean '" + matches.get(0) + "'?)" : "";
    }

    private static String normalized(String key) {
        return key.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return "ConfigSchema" + bySection.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().getClass().getSimpleName())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
