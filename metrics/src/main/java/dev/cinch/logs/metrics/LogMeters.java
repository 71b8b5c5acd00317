package dev.cinch.logs.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one store (or one tier), registered once when the store is wrapped: a call only indexes an array by
 * its {@link Op} and adds to a meter, so measuring costs no allocation and no registry look-up. Error counters are
 * the exception: their {@code exception} tag is only known on failure, so they are made on the first failure of each
 * type and cached.
 */
final class LogMeters {
    private final MeterRegistry registry;
    private final Clock clock;
    private final String store;
    private final String tier;
    private final Tags tags;
    private final Timer[] timers = new Timer[Op.values().length];
    private final Counter[] bytesIn = new Counter[Op.values().length];
    private final Counter[] bytesOut = new Counter[Op.values().length];
    private final List<ConcurrentMap<Class<?>, Counter>> errors = new ArrayList<>();
    private final Timer followLag;
    private final Counter followBytes;
    /** The storage gauges, registered by the first {@link #storage} call; guarded by this. */
    private StorageLevels levels;

    LogMeters(MeterRegistry registry, String store, String tier) {
        this.registry = registry;
        this.clock = registry.config().clock();
        this.store = store;
        this.tier = tier;
        this.tags = Tags.of(MeterNames.STORE, store, MeterNames.TIER, tier);
        for (Op op : Op.values()) {
            Tags opTags = tags.and(MeterNames.OP, op.tag);
            // Percentile histograms stay off: a Prometheus server computes quantiles from count, sum and max over
            // many instances, and client-side histograms would multiply the series of every store and tier.
            timers[op.ordinal()] = Timer.builder(op.timer).tags(opTags).publishPercentileHistogram(false)
                    .description("Time of successful log store calls").register(registry);
            errors.add(new ConcurrentHashMap<>());
        }
        for (Op op : new Op[] {Op.APPEND, Op.WRITER_APPEND, Op.IMPORT}) {
            bytesIn[op.ordinal()] = bytes(MeterNames.BYTES_IN, op.tag, "Chunk bytes received");
        }
        for (Op op : new Op[] {Op.CHUNKS, Op.RANGE, Op.TAIL, Op.LINES, Op.EXPORT}) {
            bytesOut[op.ordinal()] = bytes(MeterNames.BYTES_OUT, op.tag, "Bytes answered");
        }
        followBytes = bytes(MeterNames.BYTES_OUT, Op.FOLLOW.tag, "Bytes answered");
        followLag = Timer.builder(MeterNames.FOLLOW_LAG).tags(tags).publishPercentileHistogram(false)
                .description("From a chunk's timestamp to its delivery to a follower").register(registry);
    }

    private Counter bytes(String name, String op, String description) {
        return Counter.builder(name).tags(tags.and(MeterNames.OP, op)).baseUnit("bytes").description(description)
                .register(registry);
    }

    String store() {
        return store;
    }

    String tier() {
        return tier;
    }

    /** A start time for {@link #succeeded}. */
    long start() {
        return clock.monotonicTime();
    }

    /** Records a call that returned, with the bytes it received and answered. */
    void succeeded(Op op, long start, long in, long out) {
        timers[op.ordinal()].record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
        if (in > 0) {
            bytesIn[op.ordinal()].increment(in);
        }
        if (out > 0) {
            bytesOut[op.ordinal()].increment(out);
        }
    }

    /** Counts a failed call and returns the exception unchanged, for {@code throw meters.failed(op, e)}. */
    <E extends Throwable> E failed(Op op, E e) {
        ConcurrentMap<Class<?>, Counter> byType = errors.get(op.ordinal());
        Counter counter = byType.get(e.getClass()); // a plain get first: computeIfAbsent's lambda would allocate
        if (counter == null) {
            counter = byType.computeIfAbsent(e.getClass(), type -> Counter.builder(MeterNames.ERRORS)
                    .tags(tags.and(MeterNames.OP, op.tag, MeterNames.EXCEPTION, type.getSimpleName()))
                    .description("Failed log store calls").register(registry));
        }
        counter.increment();
        return e;
    }

    /** Records chunks a follower delivered: their bytes, and each one's lag behind its timestamp. */
    void delivered(List<dev.cinch.logs.LogChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        long now = clock.wallTime();
        long bytes = 0;
        for (int i = 0; i < chunks.size(); i++) {
            dev.cinch.logs.LogChunk c = chunks.get(i);
            bytes += c.length();
            // The timestamp is the worker's clock: skew can put it ahead of ours, which is no lag, not a negative one.
            followLag.record(Math.max(0, now - c.timestampMillis()), TimeUnit.MILLISECONDS);
        }
        followBytes.increment(bytes);
    }

    /** Publishes a storage measure in the stored-logs and stored-bytes gauges. */
    synchronized void storage(StorageMeasure measure) {
        if (levels == null) {
            levels = new StorageLevels();
            levels.register(registry, tags);
        }
        levels.set(measure);
    }

    /** Removes this instance's gauges: a reopened store registers its own (counters and timers stay cumulative). */
    synchronized void close() {
        if (levels != null) {
            levels.meters.forEach(registry::remove);
            levels = null;
        }
    }

    /** The values behind the storage gauges, until the next measure. */
    private static final class StorageLevels {
        private final List<Meter> meters = new ArrayList<>();
        private volatile double logs = Double.NaN;
        private volatile double storedBytes = Double.NaN;
        private volatile double rawBytes = Double.NaN;

        void register(MeterRegistry registry, Tags tags) {
            meters.add(Gauge.builder(MeterNames.STORED_LOGS, this, l -> l.logs).tags(tags).strongReference(true)
                    .description("Logs counted by the last storage measure").register(registry));
            meters.add(Gauge.builder(MeterNames.STORED_BYTES, this, l -> l.storedBytes).tags(tags).baseUnit("bytes")
                    .strongReference(true).description("Bytes stored, as of the last storage measure").register(registry));
            meters.add(Gauge.builder(MeterNames.STORED_RAW_BYTES, this, l -> l.rawBytes).tags(tags).baseUnit("bytes")
                    .strongReference(true).description("Log bytes (uncompressed), as of the last storage measure")
                    .register(registry));
        }

        void set(StorageMeasure m) {
            logs = m.logs();
            storedBytes = m.storedBytes();
            rawBytes = m.rawBytes();
        }
    }
}
