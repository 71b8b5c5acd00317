package dev.cinch.logs.metrics;

import dev.cinch.logs.tiered.Archiver;
import dev.cinch.logs.tiered.TieredLogStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters of the tiered store's archival job, fed by the archiver itself as its {@link Archiver.Listener}: the backlog
 * per source tier comes from the pass's plan (the records' indexed query of eligible logs, no listing of any tier) and
 * goes down as moves finish; moved bytes and moves are counted per destination tier. {@link #planned} can also be
 * fed {@link Archiver#plan()}, a dry run, to publish the backlog without moving anything (what {@code cinchlog
 * metrics} does). Moves made by {@code seal} with {@code move-at-seal} do not go through a pass and are not counted
 * here; they show in the tiers' own meters (an import into the destination tier).
 *
 * <pre>{@code
 * ArchiveMeters meters = new ArchiveMeters(tiered, registry);
 * try (Archiver archiver = tiered.archiver(Archiver.processOwner())) {
 *     archiver.runOnce(meters);
 * }
 * }</pre>
 */
public final class ArchiveMeters implements Archiver.Listener, AutoCloseable {
    private final MeterRegistry registry;
    private final Tags storeTags;
    /** Backlog per source tier: every tier but the last, which nothing leaves. */
    private final Map<String, Backlog> backlog = new LinkedHashMap<>();
    private final Map<String, Counter> movedBytes = new ConcurrentHashMap<>();
    private final Map<String, Counter> moves = new ConcurrentHashMap<>();
    private final List<Meter> gauges = new ArrayList<>();

    public ArchiveMeters(TieredLogStore store, MeterRegistry registry) {
        this.registry = registry;
        this.storeTags = Tags.of(MeterNames.STORE, store.name());
        List<String> tiers = store.tierNames();
        for (int i = 0; i + 1 < tiers.size(); i++) {
            Backlog b = new Backlog();
            backlog.put(tiers.get(i), b);
            gauges.add(Gauge.builder(MeterNames.ARCHIVE_BACKLOG, b, x -> x.logs)
                    .tags(storeTags.and(MeterNames.TIER, tiers.get(i))).strongReference(true)
                    .description("Logs the archiver's last plan found eligible to move out of the tier, less those moved since")
                    .register(registry));
        }
    }

    /** Sets each source tier's backlog to the moves planned out of it. */
    @Override
    public void planned(List<Archiver.Move> planned) {
        Map<String, Long> counts = new HashMap<>();
        planned.forEach(m -> counts.merge(m.from(), 1L, Long::sum));
        backlog.forEach((tier, b) -> b.logs = counts.getOrDefault(tier, 0L));
    }

    @Override
    public void finished(Archiver.Move move, boolean moved) {
        Backlog b = backlog.get(move.from());
        if (b != null) {
            synchronized (b) {
                b.logs = Math.max(0, b.logs - 1); // a pass may move logs that became eligible after its plan
            }
        }
        String key = move.from() + '\u0000' + move.to();
        if (moved) {
            movedBytes.computeIfAbsent(key, k -> Counter.builder(MeterNames.ARCHIVE_MOVED_BYTES)
                    .tags(storeTags.and(MeterNames.TIER, move.to(), "from", move.from())).baseUnit("bytes")
                    .description("Raw bytes of logs moved into the tier").register(registry)).increment(move.rawBytes());
        }
        moves.computeIfAbsent(key + (moved ? "\u0000moved" : "\u0000failed"), k -> Counter.builder(MeterNames.ARCHIVE_MOVES)
                .tags(storeTags.and(MeterNames.TIER, move.to(), "from", move.from(), "outcome", moved ? "moved" : "failed"))
                .description("Finished moves into the tier").register(registry)).increment();
    }

    /** Removes the backlog gauges (the counters stay cumulative in the registry). */
    @Override
    public void close() {
        gauges.forEach(registry::remove);
    }

    /** One tier's backlog: written by the archiver's thread, read by scrapes. */
    private static final class Backlog {
        private volatile double logs = Double.NaN;
    }
}
