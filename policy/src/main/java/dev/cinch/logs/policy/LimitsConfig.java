package dev.cinch.logs.policy;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigComponent;
import dev.cinch.logs.config.ConfigException;

import java.util.Optional;
import java.util.Set;

/**
 * The size limit's configuration: {@value #KEEP_HEAD} and {@value #KEEP_TAIL}, the default limit of {@code run} and
 * {@code append} (env {@code CINCH_LIMITS_KEEP_HEAD}, {@code CINCH_LIMITS_KEEP_TAIL}).
 */
public final class LimitsConfig implements ConfigComponent {
    public static final String SECTION = "limits";
    public static final String KEEP_HEAD = "limits.keep-head";
    public static final String KEEP_TAIL = "limits.keep-tail";
    /**
     * A kept size is 0 (nothing from that end) or at least this: a limit of a few bytes is a unit forgotten
     * ({@code 1} for {@code 1MiB}), and would cut nearly everything a job prints.
     */
    public static final long MIN_KEPT = 1024;
    /** Far beyond any disk; keeps H + 2T + a chunk inside a long. */
    public static final long MAX_KEPT = 1L << 50;

    @Override
    public Set<String> configSections() {
        return Set.of(SECTION);
    }

    @Override
    public Set<String> configKeys() {
        return Set.of(KEEP_HEAD, KEEP_TAIL);
    }

    /** Why {@code bytes} cannot be a kept size, or empty when it can. */
    public static Optional<String> problem(long bytes) {
        if (bytes < 0 || bytes > MAX_KEPT) {
            return Optional.of("must be 0..1PiB");
        }
        if (bytes > 0 && bytes < MIN_KEPT) {
            return Optional.of("must be 0 or at least 1KiB (a few bytes is a unit forgotten)");
        }
        return Optional.empty();
    }

    /** One configured kept size, or empty when the key is not set. */
    public static Optional<Long> kept(CinchConfig config, String key) {
        if (config.get(key).isEmpty()) {
            return Optional.empty();
        }
        long v = config.getBytes(key, 0, 0, MAX_KEPT);
        problem(v).ifPresent(p -> {
            throw new ConfigException(key, p + ", got " + config.get(key).orElse(""));
        });
        return Optional.of(v);
    }

    /** The configured limit for every job: what an embedding server passes when jobs carry no limit of their own. */
    public static JobLimits configured(CinchConfig config) {
        Optional<SizeLimit> limit = limit(config, Optional.empty(), Optional.empty()); // checked now, not per job
        return job -> limit;
    }

    /**
     * The limit from explicit sizes (a command's flags) over the configured ones, key by key: empty when neither end
     * is set anywhere (no limit); an end set nowhere keeps 0 bytes.
     */
    public static Optional<SizeLimit> limit(CinchConfig config, Optional<Long> head, Optional<Long> tail) {
        Optional<Long> h = head.isPresent() ? head : kept(config, KEEP_HEAD);
        Optional<Long> t = tail.isPresent() ? tail : kept(config, KEEP_TAIL);
        if (h.isEmpty() && t.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SizeLimit(h.orElse(0L), t.orElse(0L)));
    }
}
