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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cinch's configuration: flat dotted keys ({@code fs.durability}) with typed, validated getters.
 *
 * <p>Sources, later ones winning: built-in defaults, a config file (YAML when it ends in {@code .yml}/{@code .yaml},
 * Java properties otherwise; nested YAML maps become dotted keys), environment variables, then explicit overrides
 * such as command-line flags. Environment variables map as: {@code CINCH_DATA_DIR} → {@code data-dir},
 * {@code CINCH_LOG_STORE} → {@code log-store}, {@code DATABASE_URL} → {@code database.url},
 * {@code CINCH_ENCRYPTION_KEY} → {@code encryption.key}, and {@code CINCH_<SECTION>_<NAME>} →
 * {@code <section>.<name>} for the sections in {@link #ENV_SECTIONS} ({@code CINCH_FS_GROUP_COMMIT} →
 * {@code fs.group-commit}).
 *
 * <p>Every error names the key and its source; values of secret keys never appear in messages or {@link #toString()}.
 */
public final class CinchConfig {
    public static final String DATA_DIR = "data-dir";
    public static final String LOG_STORE = "log-store";
    public static final String DEFAULT_DATA_DIR = "./cinch-data";
    public static final String DEFAULT_LOG_STORE = "fs";

    /** Sections whose keys may be set as {@code CINCH_<SECTION>_<NAME>}. */
    public static final Set<String> ENV_SECTIONS = Set.of("fs", "db", "s3", "tiered", "archive", "bench", "database", "tokens");

    private static final Map<String, String> ENV_NAMES = Map.of(
            "CINCH_DATA_DIR", DATA_DIR,
            "CINCH_LOG_STORE", LOG_STORE,
            "DATABASE_URL", "database.url",
            "CINCH_ENCRYPTION_KEY", "encryption.key",
            "CINCH_ENCRYPTION_OLD_KEYS", "encryption.old-keys");

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
     * Loads file (optional), then environment, then overrides.
     *
     * @param file config file, or empty
     * @param env environment variables (pass {@code System.getenv()})
     * @param overrides highest-priority settings, e.g. from command-line flags
     */
    public static CinchConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, Setting> map = new LinkedHashMap<>();
        file.ifPresent(f -> readFile(f, map));
        env.forEach((name, value) -> envKey(name).ifPresent(key -> map.put(key, new Setting(value, "env " + name))));
        overrides.forEach((key, value) -> map.put(key, new Setting(value, "command line")));
        return new CinchConfig(map);
    }

    /** Builds a configuration from plain key/value pairs (tests, embedding). */
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

    static Optional<String> envKey(String name) {
        String direct = ENV_NAMES.get(name);
        if (direct != null) {
            return Optional.of(direct);
        }
        if (!name.startsWith("CINCH_")) {
            return Optional.empty();
        }
        String rest = name.substring("CINCH_".length());
        int underscore = rest.indexOf('_');
        if (underscore <= 0 || underscore == rest.length() - 1) {
            return Optional.empty();
        }
        String section = rest.substring(0, underscore).toLowerCase(Locale.ROOT);
        if (!ENV_SECTIONS.contains(section)) {
            return Optional.empty();
        }
        return Optional.of(section + "." + rest.substring(underscore + 1).toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    private static void readFile(Path file, Map<String, Setting> into) {
        String source = "file " + file;
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
                if (root == null || root.isNull() || root.isMissingNode()) {
                    return;
                }
                if (!root.isObject()) {
                    throw new ConfigException("(file)", source + " must hold a mapping of keys to values");
                }
                flatten("", root, source, into);
            } else {
                Properties props = new Properties();
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    props.load(reader);
                }
                for (String key : new TreeSet<>(props.stringPropertyNames())) {
                    into.put(key.trim(), new Setting(props.getProperty(key).trim(), source));
                }
            }
        } catch (IOException e) {
            throw new ConfigException("(file)", "cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private static void flatten(String prefix, JsonNode node, String source, Map<String, Setting> into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key, value, source, into);
            } else if (value.isArray()) {
                throw new ConfigException(key, "lists are not supported (from " + source + ")");
            } else if (!value.isNull()) {
                into.put(key, new Setting(value.asText(), source));
            }
        }
    }

    /** True for keys whose values must never be shown. */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith("key") || k.endsWith("keys") || k.contains("secret") || k.contains("password")
                || k.contains("token") || k.equals("database.url");
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

    /** A byte size: {@code 1048576}, {@code 256KiB}, {@code 1MiB}, {@code 2GB} (binary multiples throughout). */
    public long getBytes(String key, long defaultValue, long min, long max) {
        Setting s = settings.get(key);
        if (s == null) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(s.value().trim());
        if (!m.matches()) {
            throw new ConfigException(key, "must be a size such as 65536, 256KiB or 1MiB, got " + describe(key, s));
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
        long mult = unit.isEmpty() || unit.equals("B") ? 1 : switch (unit.charAt(0)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            default -> 1L << 30;
        };
        if (n > Long.MAX_VALUE / mult) {
            throw new ConfigException(key, "is too large: " + describe(key, s));
        }
        return checkRange(key, s, n * mult, min, max);
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
     * Fails on keys under {@code section.} that are not in {@code known}: a typo such as {@code fs.durabilty} must
     * not silently fall back to a default.
     */
    public void requireOnlyKnownKeys(String section, Set<String> known) {
        for (String key : settings.keySet()) {
            if (key.startsWith(section + ".") && !known.contains(key)) {
                throw new ConfigException(key, "unknown key (from " + settings.get(key).source() + "); known keys in '"
                        + section + "': " + new TreeSet<>(known));
            }
        }
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
