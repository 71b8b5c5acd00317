package dev.cinch.logs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cinch's configuration: flat dotted keys ({@code fs.durability}) with typed, validated getters.
 *
 * <p>Sources, later ones winning: built-in defaults, a config file (YAML when it ends in {@code .yml}/{@code .yaml},
 * Java properties otherwise; nested YAML maps become dotted keys), environment variables, then explicit overrides
 * such as command-line flags. Core reads only {@value #DATA_DIR} (env {@code CINCH_DATA_DIR}) and {@value #LOG_STORE}
 * ({@code CINCH_LOG_STORE}), and {@value #CONFIG_FILE_ENV} names the file when none is given. Every other key
 * belongs to a {@link ConfigComponent} (a log store provider, the metadata module...) that declares it, and the
 * environment sets it as {@code CINCH_<SECTION>_<NAME>} ({@code CINCH_FS_GROUP_COMMIT_INTERVAL} →
 * {@code fs.group-commit-interval}) or under a name the component declares ({@code DATABASE_URL}).
 *
 * <p>{@link #load} checks every key against the components on the class path ({@link ConfigSchema}), so a typo fails
 * at start. {@link #of} does not (tests, embedding); the code that reads a section still refuses unknown keys in it
 * when it opens ({@link #requireOnlyKnownKeys}). Values are checked by the typed getters as they are read.
 *
 * <p>Every error names the key and its source; values of secret keys never appear in messages or {@link #toString()}.
 */
public final class CinchConfig {
    public static final String DATA_DIR = "data-dir";
    public static final String LOG_STORE = "log-store";
    public static final String DEFAULT_DATA_DIR = "./cinch-data";
    public static final String DEFAULT_LOG_STORE = "fs";

    /** The environment variable naming the config file when the caller gives none. */
    public static final String CONFIG_FILE_ENV = "CINCH_CONFIG";

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]i?B?|B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

    /** A value and where it came from, so errors can say "from env CINCH_FS_DURABILITY". */
    public record Setting(String value, String source) {
        @Override
        public String toString() {
            return "Setting[source=" + source + "]";
        }
    }

    private final Map<String, Setting> settings;

    private CinchConfig(Map<String, Setting> settings) {
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** An empty configuration: every getter answers its default. */
    public static CinchConfig empty() {
        return new CinchConfig(Map.of());
    }

    /**
     * Loads file, then environment, then overrides, and checks every key against the {@link ConfigComponent}s on the
     * class path ({@link ConfigSchema#fromClassPath()}).
     *
     * @param file config file; when empty, the file {@value #CONFIG_FILE_ENV} names in {@code env}, if any
     * @param env environment variables (pass {@code System.getenv()})
     * @param overrides highest-priority settings, e.g. from command-line flags
     * @throws ConfigException naming the first key no component reads, where it was set, and the known keys
     */
    public static CinchConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return load(ConfigSchema.fromClassPath(), file, env, overrides);
    }

    /** As {@link #load(Optional, Map, Map)}, checking keys against {@code schema}. */
    public static CinchConfig load(ConfigSchema schema, Optional<Path> file, Map<String, String> env,
                                   Map<String, String> overrides) {
        Map<String, Setting> map = new LinkedHashMap<>();
        configFile(file, env).ifPresent(f -> readFile(f.path(), f.source(), schema, map));

        // Sorted, so that which of two clashing variables is reported does not depend on the platform's order.
        Map<String, String> fromEnv = new TreeMap<>();
        new TreeMap<>(env).forEach((name, value) -> schema.envKey(name).ifPresent(key -> {
            String source = "env " + name;
            schema.check(key, source);
            String other = fromEnv.get(key);
            if (other != null && !env.get(other).equals(value)) {
                throw new ConfigException(key, "set by both env " + other + " and env " + name
                        + " with different values; keep one");
            }
            fromEnv.put(key, name);
            map.put(key, new Setting(value, source));
        }));

        overrides.forEach((key, value) -> {
            schema.check(key, "command line");
            map.put(key, new Setting(value, "command line"));
        });
        return new CinchConfig(map);
    }

    private record ConfigFile(Path path, String source) {
    }

    private static Optional<ConfigFile> configFile(Optional<Path> given, Map<String, String> env) {
        if (given.isPresent()) {
            return Optional.of(new ConfigFile(given.get(), "file " + given.get()));
        }
        String named = env.get(CONFIG_FILE_ENV);
        if (named == null || named.isBlank()) {
            return Optional.empty();
        }
        try {
            Path path = Path.of(named.trim());
            return Optional.of(new ConfigFile(path, "file " + path + " (named by env " + CONFIG_FILE_ENV + ")"));
        } catch (RuntimeException e) {
            throw new ConfigException("(file)", "env " + CONFIG_FILE_ENV + " is not a valid path: " + e.getMessage());
        }
    }

    /** Builds a configuration from plain key/value pairs (tests, embedding); keys are not checked here. */
    public static CinchConfig of(Map<String, String> values) {
        Map<String, Setting> map = new LinkedHashMap<>();
        values.forEach((k, v) -> map.put(k, new Setting(v, "code")));
        return new CinchConfig(map);
    }

    /** A copy with {@code key} set to {@code value}. */
    public CinchConfig with(String key, String value) {
        Map<String, Setting> map = new LinkedHashMap<>(settings);
        map.put(key, new Setting(value, "code"));
        return new CinchConfig(map);
    }

    /**
     * The configuration a component nested under {@code prefix} sees, such as one tier of the tiered store
     * ({@code tiered.ssd.}): this configuration, with every key {@code prefix + k} also set as {@code k}, replacing
     * what {@code k} holds here. Sources keep saying where each value came from, under which name.
     */
    public CinchConfig nested(String prefix) {
        Map<String, Setting> map = new LinkedHashMap<>(settings);
        settings.forEach((key, s) -> {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                map.put(key.substring(prefix.length()), new Setting(s.value(), s.source() + " as " + key));
            }
        });
        return new CinchConfig(map);
    }

    /** Every set key that starts with {@code prefix}, in load order. */
    public Set<String> keysUnder(String prefix) {
        Set<String> keys = new java.util.LinkedHashSet<>();
        for (String key : settings.keySet()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static void readFile(Path file, String source, ConfigSchema schema, Map<String, Setting> into) {
        Map<String, Setting> read = new LinkedHashMap<>();
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
                if (root == null || root.isNull() || root.isMissingNode()) {
                    return;
                }
                if (!root.isObject()) {
                    throw new ConfigException("(file)", source + " must hold a mapping of keys to values");
                }
                flatten("", root, source, schema, read);
            } else {
                Properties props = new Properties();
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    props.load(reader);
                }
                for (String key : new TreeSet<>(props.stringPropertyNames())) {
                    String k = key.trim();
                    schema.check(k, source);
                    read.put(k, new Setting(props.getProperty(key).trim(), source));
                }
            }
        } catch (IOException e) {
            throw new ConfigException("(file)", "cannot read " + source + ": " + e.getMessage(), e);
        }
        into.putAll(read);
    }

    private static void flatten(String prefix, JsonNode node, String source, ConfigSchema schema, Map<String, Setting> into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key, value, source, schema, into);
            } else if (value.isArray()) {
                throw new ConfigException(key, "lists are not supported (from " + source + ")");
            } else if (value.isNull()) {
                // "fs:" with its settings commented out is an empty section; any other empty key is still checked,
                // so "data_dir:" is a typo even without a value.
                if (!schema.isSection(key)) {
                    schema.check(key, source);
                }
            } else {
                schema.check(key, source);
                into.put(key, new Setting(value.asText(), source));
            }
        }
    }

    /**
     * True for keys whose values must never be shown. A name rule rather than a list, so it also holds for
     * configurations built with {@link #of} and for keys of components this module does not know; URLs count as
     * secret because they may carry a password.
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith("key") || k.endsWith("keys") || k.contains("secret") || k.contains("password")
                || k.contains("token") || k.endsWith("url") || k.endsWith("uri");
    }

    private String describe(String key, Setting s) {
        return isSecretKey(key) ? "(value hidden) from " + s.source() : "'" + s.value() + "' from " + s.source();
    }

    public Optional<String> get(String key) {
        Setting s = settings.get(key);
        return s == null ? Optional.empty() : Optional.of(s.value());
    }

    public Optional<Setting> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    public String getString(String key, String defaultValue) {
        return get(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(defaultValue);
    }

    public String require(String key) {
        return get(key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new ConfigException(key, "is required"));
    }

    public Path getPath(String key, String defaultValue) {
        String v = getString(key, defaultValue);
        if (v.indexOf('\0') >= 0) {
            throw new ConfigException(key, "path contains NUL");
        }
        try {
            return Path.of(v);
        } catch (RuntimeException e) {
            throw new ConfigException(key, "is not a valid path: " + describe(key, settings.get(key)));
        }
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        Setting s = settings.get(key);
        if (s == null) {
            return defaultValue;
        }
        return switch (s.value().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key, "must be true or false, got " + describe(key, s));
        };
    }

    public long getLong(String key, long defaultValue, long min, long max) {
        Setting s = settings.get(key);
        if (s == null) {
            return defaultValue;
        }
        long v;
        try {
            v = Long.parseLong(s.value().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be a whole number, got " + describe(key, s));
        }
        return checkRange(key, s, v, min, max);
    }

    public int getInt(String key, int defaultValue, int min, int max) {
        return (int) getLong(key, defaultValue, min, max);
    }

    /**
     * Parses a byte size as config values and size options on the command line write it: {@code 1048576},
     * {@code 256KiB}, {@code 1MiB}, {@code 2GB} (binary multiples throughout); empty when {@code value} is not one.
     *
     * @throws ArithmeticException when the size does not fit a long
     */
    public static java.util.OptionalLong parseSize(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            return java.util.OptionalLong.empty();
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new ArithmeticException("size " + value + " does not fit a long");
        }
        String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
        long mult = unit.isEmpty() || unit.equals("B") ? 1 : switch (unit.charAt(0)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            default -> 1L << 30;
        };
        return java.util.OptionalLong.of(Math.multiplyExact(n, mult));
    }

    /** A byte size: {@code 1048576}, {@code 256KiB}, {@code 1MiB}, {@code 2GB} (binary multiples throughout). */
    public long getBytes(String key, long defaultValue, long min, long max) {
        Setting s = settings.get(key);
        if (s == null) {
            return defaultValue;
        }
        java.util.OptionalLong n;
        try {
            n = parseSize(s.value());
        } catch (ArithmeticException e) {
            throw new ConfigException(key, "is too large: " + describe(key, s));
        }
        if (n.isEmpty()) {
            throw new ConfigException(key, "must be a size such as 65536, 256KiB or 1MiB, got " + describe(key, s));
        }
        return checkRange(key, s, n.getAsLong(), min, max);
    }

    /** A duration: {@code 5ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 30d}. */
    public Duration getDuration(String key, Duration defaultValue, Duration min, Duration max) {
        Setting s = settings.get(key);
        if (s == null) {
            return defaultValue;
        }
        Duration d = parseDuration(s.value()).orElseThrow(() ->
                new ConfigException(key, "must be a duration such as 5ms, 30s, 10m, 2h or 30d, got " + describe(key, s)));
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + describe(key, s));
        }
        return d;
    }

    /** Parses {@code 5ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 30d}; empty when malformed. */
    public static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    public <E extends Enum<E>> E getEnum(String key, Class<E> type, E defaultValue) {
        Setting s = settings.get(key);
        if (s == null) {
            return defaultValue;
        }
        String wanted = s.value().trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new ConfigException(key, "must be one of " + allowed + ", got " + describe(key, s));
    }

    private long checkRange(String key, Setting s, long v, long min, long max) {
        if (v < min || v > max) {
            throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + describe(key, s));
        }
        return v;
    }

    /**
     * Fails on keys in {@code component}'s sections that it does not read: a typo such as {@code fs.durabilty} must
     * not silently fall back to a default, even in a configuration built with {@link #of}.
     */
    public void requireOnlyKnownKeys(ConfigComponent component) {
        settings.forEach((key, setting) -> {
            int dot = key.indexOf('.');
            if (dot > 0 && component.configSections().contains(key.substring(0, dot)) && !component.readsKey(key)) {
                throw ConfigSchema.unknownInSection(key, setting.source(), key.substring(0, dot), component.configKeys(),
                        component.configKeys());
            }
        });
    }

    /** Keys that are set, in load order. */
    public Set<String> keys() {
        return settings.keySet();
    }

    /** The data directory ({@code data-dir}, default {@value #DEFAULT_DATA_DIR}). */
    public Path dataDir() {
        return getPath(DATA_DIR, DEFAULT_DATA_DIR);
    }

    /** The log store name ({@code log-store}, default {@value #DEFAULT_LOG_STORE}). */
    public String logStore() {
        return getString(LOG_STORE, DEFAULT_LOG_STORE);
    }

    /** Shows keys and sources, with secret values hidden. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CinchConfig{");
        settings.forEach((k, s) -> sb.append(k).append('=').append(isSecretKey(k) ? "****" : s.value()).append(", "));
        if (!settings.isEmpty()) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }
}
