package dev.cinch.logs.tiered;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The tiered store's settings: its named tiers in order (hot first), each a store of its own, and how the archival
 * job works.
 *
 * <pre>
 * log-store: tiered
 * tiered:
 *   tiers: ssd, hdd           # hot first
 *   ssd:
 *     store: fs
 *     fs:
 *       root: /ssd/cinch-logs
 *   hdd:
 *     store: fs
 *     archive-after: 7d       # sealed for a week
 *     archive-larger-than: 1GiB
 *     fs:
 *       root: /hdd/cinch-logs
 *       archive-level: 19
 * </pre>
 *
 * A log moving into a tier whose store writes archives with other options (frame size, level) than the tier above
 * is re-encoded with them on the way ({@code tiered.<tier>.recompress}, default true), so a cold tier can keep
 * larger, more compressed frames.
 *
 * <p>A tier's own settings ({@code tiered.<tier>.<section>.<key>}) are that store's keys, set for that tier only; keys
 * set outside the tiered section (such as {@code fs.durability}) apply to every tier of that store unless the tier
 * sets them. Named tiers are configured in the config file: environment names cannot spell a tier's nesting.
 *
 * @param tiers the tiers, hot first
 * @param moveLease how long a move's claim lasts without renewal; a crashed archiver's moves are resumed after it
 * @param batchSize how many logs one pass of the archival job claims at a time
 * @param moveAtSeal whether {@code seal} itself moves the log down through every tier whose rules already hold
 *     (e.g. {@code archive-after: 0s}), so that a sealed log is read from its archive tier at once; a move that fails
 *     there is left to the archival job, and the seal still succeeds
 * @param sweepIdle how long an open log of the hot tier must have had no new chunk, with no writer holding it, before
 *     the sweeper seals it as incomplete ({@link Sweeper}): a worker that crashed mid-job never seals its log
 */
public record TieredConfig(List<TierSpec> tiers, Duration moveLease, int batchSize, boolean moveAtSeal,
                           Duration sweepIdle) {
    public static final String SECTION = "tiered";
    public static final String TIERS = "tiered.tiers";
    public static final String MOVE_LEASE = "tiered.move-lease";
    public static final String BATCH_SIZE = "tiered.batch-size";
    public static final String MOVE_AT_SEAL = "tiered.move-at-seal";
    public static final String SWEEP_IDLE = "tiered.sweep-idle";
    /** Per tier: {@code tiered.<tier>.store}, {@code tiered.<tier>.archive-after}, {@code tiered.<tier>.archive-larger-than}. */
    public static final String STORE = "store";
    public static final String ARCHIVE_AFTER = "archive-after";
    public static final String ARCHIVE_LARGER_THAN = "archive-larger-than";
    public static final String RECOMPRESS = "recompress";

    private static final Pattern TIER_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    /** A tier's key: its rules, or a nested store key {@code <section>.<name>}. */
    private static final Pattern TIER_KEY = Pattern.compile("tiered\\.([a-z][a-z0-9-]{0,30})\\."
            + "(store|archive-after|archive-larger-than|recompress|[a-z][a-z0-9-]*\\.[a-z0-9][a-z0-9.-]*)");

    public TieredConfig {
        tiers = List.copyOf(tiers);
    }

    /** The keys of the section that are not a tier's. */
    static Set<String> fixedKeys() {
        return Set.of(TIERS, MOVE_LEASE, BATCH_SIZE, MOVE_AT_SEAL, SWEEP_IDLE);
    }

    /** Whether {@code key} has the shape of a tiered key; whether the nested store reads it is checked at open. */
    static boolean isTieredKey(String key) {
        return fixedKeys().contains(key) || TIER_KEY.matcher(key).matches();
    }

    /** The prefix of one tier's keys: {@code tiered.<tier>.}. */
    static String prefix(String tier) {
        return SECTION + "." + tier + ".";
    }

    /**
     * Reads and checks the settings. A tier key of a tier not in {@code tiered.tiers} is a typo; so is a tier whose
     * store is {@code tiered}, and two tiers of one store with the same settings (they would share one place).
     */
    public static TieredConfig from(CinchConfig config) {
        String list = config.get(TIERS).orElseThrow(() -> new ConfigException(TIERS,
                "the tiered store needs its tiers, hot first, e.g. 'hot, cold' (from the config file)"));
        List<String> names = new ArrayList<>(new LinkedHashSet<>(List.of(list.split("\\s*,\\s*"))));
        names.removeIf(String::isBlank);
        if (names.size() < 1) {
            throw new ConfigException(TIERS, "names no tier, got '" + list.strip() + "'");
        }
        if (names.size() != list.strip().split("\\s*,\\s*").length) {
            throw new ConfigException(TIERS, "names a tier twice: '" + list.strip() + "'");
        }
        for (String n : names) {
            if (!TIER_NAME.matcher(n).matches()) {
                throw new ConfigException(TIERS, "tier name '" + n + "' must be lower case letters, digits and '-', "
                        + "starting with a letter, at most 31 characters");
            }
        }
        for (String key : config.keysUnder(SECTION + ".")) {
            if (fixedKeys().contains(key)) {
                continue;
            }
            var m = TIER_KEY.matcher(key);
            if (!m.matches() || !names.contains(m.group(1))) {
                throw new ConfigException(key, "is not a setting of a tier in " + TIERS + " " + names
                        + " (a tier's keys are tiered.<tier>.store, archive-after, archive-larger-than and its store's own keys)");
            }
        }
        List<TierSpec> tiers = new ArrayList<>();
        Map<String, String> sameSettings = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            String p = prefix(n);
            String store = config.get(p + STORE).map(String::strip).filter(s -> !s.isEmpty())
                    .orElseThrow(() -> new ConfigException(p + STORE, "tier '" + n + "' needs a store (fs, db, s3)"));
            if (store.equals(SECTION)) {
                throw new ConfigException(p + STORE, "a tier cannot be another tiered store");
            }
            Duration after = config.getDuration(p + ARCHIVE_AFTER, Duration.ZERO, Duration.ZERO, Duration.ofDays(36500));
            long largerThan = config.getBytes(p + ARCHIVE_LARGER_THAN, Long.MAX_VALUE, 0, Long.MAX_VALUE);
            if (i == 0 && (config.get(p + ARCHIVE_AFTER).isPresent() || config.get(p + ARCHIVE_LARGER_THAN).isPresent())) {
                throw new ConfigException(p + ARCHIVE_AFTER, "tier '" + n + "' is the hot tier: logs are written there, "
                        + "nothing moves into it (set the rules on the tiers below)");
            }
            // Two tiers of one store with the same own settings would be one place under two names.
            Map<String, String> own = new TreeMap<>();
            for (String key : config.keysUnder(p)) {
                String rest = key.substring(p.length());
                if (rest.contains(".")) {
                    own.put(rest, config.get(key).orElse(""));
                }
            }
            String signature = store + own;
            String twin = sameSettings.putIfAbsent(signature, n);
            if (twin != null) {
                throw new ConfigException(p + STORE, "tiers '" + twin + "' and '" + n + "' are both " + store
                        + " with the same settings, so they would hold their logs in one place; give each its own "
                        + "location (e.g. tiered." + n + "." + store + ".root)");
            }
            tiers.add(new TierSpec(n, store, after, largerThan, config.getBoolean(p + RECOMPRESS, true)));
        }
        return new TieredConfig(tiers,
                config.getDuration(MOVE_LEASE, Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofHours(24)),
                config.getInt(BATCH_SIZE, 100, 1, 10_000),
                config.getBoolean(MOVE_AT_SEAL, false),
                config.getDuration(SWEEP_IDLE, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(36500)));
    }
}
