package dev.cinch.logs.metrics;

import dev.cinch.logs.ForwardingLogStore;
import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogCheck;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.config.CinchConfig;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Micrometer meters on any {@link LogStore}: a decorator, so every backend gets the same meters without a line of
 * metrics code of its own, and core stays free of Micrometer. Every call is delegated unchanged: the same answers,
 * the same exception instances (counted in {@value MeterNames#ERRORS} on the way through), and writers and followers
 * are wrapped so that their appends and polls are measured too. Timers record successful calls only, so a refused
 * append (a seq gap, a sealed log) shows as an error, not as a fast append. Meters are registered when the store is
 * wrapped; a call adds to cached meters and allocates nothing (archive export and import allocate one counting
 * stream each, as they measure bytes that pass through a stream).
 *
 * <p>Every meter carries the tags {@code store} (the provider's name) and {@code tier}: the store's name for a plain
 * store; for a tiered store opened through {@link #open}, each tier's own store is metered under its tier's name, and
 * the tiered store as a whole under {@code tier=tiered}. See {@link MeterNames} for the list.
 *
 * <pre>{@code
 * MeterRegistry registry = ...;
 * LogStore store = MeteredLogStore.wrap(LogStores.fromClassPath().open(config), registry);
 * }</pre>
 */
public final class MeteredLogStore implements LogStore {
    private final LogStore delegate;
    private final LogMeters meters;
    private final List<MeteredLogStore> tiers;

    private MeteredLogStore(LogStore delegate, LogMeters meters, List<MeteredLogStore> tiers) {
        this.delegate = delegate;
        this.meters = meters;
        this.tiers = List.copyOf(tiers);
    }

    /** Meters {@code store} under its own name as both the {@code store} and the {@code tier} tag. */
    public static MeteredLogStore wrap(LogStore store, MeterRegistry registry) {
        return wrap(store, registry, store.name());
    }

    /** Meters {@code store} with tags {@code store=store.name()} and {@code tier=tier}. */
    public static MeteredLogStore wrap(LogStore store, MeterRegistry registry, String tier) {
        Objects.requireNonNull(store, "store");
        return new MeteredLogStore(store, new LogMeters(registry, store.name(), tier), List.of());
    }

    /**
     * Opens the configured store ({@code log-store}) metered, lending it {@code lent} as {@link LogStores#open} does.
     * A tiered store gets each tier's own store metered under the tier's name as well (through the tiered store's
     * {@code TierDecorator} hook), so per-tier latency, traffic and the archiver's copies are visible; those meters
     * count the same appends and reads again, so add up either {@code tier=tiered} or the tiers, not both.
     */
    public static MeteredLogStore open(LogStores stores, CinchConfig config, Map<Class<?>, Object> lent,
                                       MeterRegistry registry) {
        List<MeteredLogStore> tiers = new ArrayList<>();
        LogStore store;
        if (TierMeters.TIERED.equals(config.logStore()) && TierMeters.available()) {
            store = stores.open(config, TierMeters.lend(lent, registry, tiers::add));
        } else {
            store = stores.open(config, lent);
        }
        return new MeteredLogStore(store, new LogMeters(registry, store.name(), store.name()), tiers);
    }

    /** The metered store of each tier, hot first, when this is a tiered store opened by {@link #open}; else empty. */
    public List<MeteredLogStore> tiers() {
        return tiers;
    }

    /** The store this one meters, when it is a {@code type} (for a store's own API, such as the tiered archiver). */
    public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(delegate) ? Optional.of(type.cast(delegate)) : Optional.empty();
    }

    /**
     * Counts the logs and bytes stored, up to {@code maxLogs} logs per store or tier (a list page and a stat per
     * log: the cost grows with the store, which is why no gauge does this on every scrape), and publishes the result
     * in the {@value MeterNames#STORED_LOGS}, {@value MeterNames#STORED_BYTES} and
     * {@value MeterNames#STORED_RAW_BYTES} gauges, which keep it until the next measure. A tiered store opened by
     * {@link #open} is measured tier by tier; one measure per tier is returned.
     */
    public List<StorageMeasure> measureStorage(int maxLogs) {
        if (maxLogs < 1) {
            throw new IllegalArgumentException("maxLogs must be at least 1, got " + maxLogs);
        }
        if (!tiers.isEmpty()) {
            List<StorageMeasure> all = new ArrayList<>();
            tiers.forEach(t -> all.addAll(t.measureStorage(maxLogs)));
            return all;
        }
        long logs = 0;
        long raw = 0;
        long stored = 0;
        boolean capped = false;
        JobId after = null;
        do {
            JobPage page = list("", after, Math.min(MAX_LIST_PAGE, maxLogs - (int) logs));
            for (JobId job : page.jobs()) {
                try {
                    LogStat s = stat(job);
                    raw += s.rawBytes();
                    stored += s.storedBytes();
                    logs++;
                } catch (LogNotFoundException e) {
                    // deleted since listed
                }
            }
            after = page.nextStartAfter().orElse(null);
            if (after != null && logs >= maxLogs) {
                capped = true;
                break;
            }
        } while (after != null);
        StorageMeasure measure = new StorageMeasure(meters.store(), meters.tier(), logs, raw, stored, capped);
        meters.storage(measure);
        return List.of(measure);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void append(JobId job, LogChunk chunk) {
        long start = meters.start();
        try {
            delegate.append(job, chunk);
        } catch (RuntimeException e) {
            throw meters.failed(Op.APPEND, e);
        }
        meters.succeeded(Op.APPEND, start, chunk.length(), 0);
    }

    @Override
    public LogWriter openWriter(JobId job) {
        long start = meters.start();
        LogWriter writer;
        try {
            writer = delegate.openWriter(job);
        } catch (RuntimeException e) {
            throw meters.failed(Op.OPEN_WRITER, e);
        }
        meters.succeeded(Op.OPEN_WRITER, start, 0, 0);
        return new MeteredWriter(writer, meters);
    }

    @Override
    public void seal(JobId job) {
        long start = meters.start();
        try {
            delegate.seal(job);
        } catch (RuntimeException e) {
            throw meters.failed(Op.SEAL, e);
        }
        meters.succeeded(Op.SEAL, start, 0, 0);
    }

    @Override
    public List<LogChunk> readChunks(JobId job, long fromSeq, int maxChunks) {
        long start = meters.start();
        List<LogChunk> chunks;
        try {
            chunks = delegate.readChunks(job, fromSeq, maxChunks);
        } catch (RuntimeException e) {
            throw meters.failed(Op.CHUNKS, e);
        }
        long bytes = 0;
        for (int i = 0; i < chunks.size(); i++) {
            bytes += chunks.get(i).length();
        }
        meters.succeeded(Op.CHUNKS, start, 0, bytes);
        return chunks;
    }

    @Override
    public byte[] readRange(JobId job, long offset, int length) {
        long start = meters.start();
        byte[] bytes;
        try {
            bytes = delegate.readRange(job, offset, length);
        } catch (RuntimeException e) {
            throw meters.failed(Op.RANGE, e);
        }
        meters.succeeded(Op.RANGE, start, 0, bytes.length);
        return bytes;
    }

    @Override
    public byte[] readTailLines(JobId job, int lines) {
        long start = meters.start();
        byte[] bytes;
        try {
            bytes = delegate.readTailLines(job, lines);
        } catch (RuntimeException e) {
            throw meters.failed(Op.TAIL, e);
        }
        meters.succeeded(Op.TAIL, start, 0, bytes.length);
        return bytes;
    }

    @Override
    public byte[] readLines(JobId job, long fromLine, int count) {
        long start = meters.start();
        byte[] bytes;
        try {
            bytes = delegate.readLines(job, fromLine, count);
        } catch (RuntimeException e) {
            throw meters.failed(Op.LINES, e);
        }
        meters.succeeded(Op.LINES, start, 0, bytes.length);
        return bytes;
    }

    /** Not timed: it reads no log bytes, and the search that asks is timed by the reads it makes. */
    @Override
    public java.util.List<dev.cinch.logs.LogRange> rangesThatMayContain(JobId job, byte[] literal) {
        return delegate.rangesThatMayContain(job, literal);
    }

    @Override
    public LogStat stat(JobId job) {
        long start = meters.start();
        LogStat stat;
        try {
            stat = delegate.stat(job);
        } catch (RuntimeException e) {
            throw meters.failed(Op.STAT, e);
        }
        meters.succeeded(Op.STAT, start, 0, 0);
        return stat;
    }

    @Override
    public LogCheck verify(JobId job) {
        long start = meters.start();
        LogCheck check;
        try {
            check = delegate.verify(job);
        } catch (RuntimeException e) {
            throw meters.failed(Op.VERIFY, e);
        }
        meters.succeeded(Op.VERIFY, start, 0, 0);
        return check;
    }

    @Override
    public boolean exists(JobId job) {
        long start = meters.start();
        boolean exists;
        try {
            exists = delegate.exists(job);
        } catch (RuntimeException e) {
            throw meters.failed(Op.EXISTS, e);
        }
        meters.succeeded(Op.EXISTS, start, 0, 0);
        return exists;
    }

    @Override
    public LogFollower follow(JobId job, long fromSeq) {
        long start = meters.start();
        LogFollower follower;
        try {
            follower = delegate.follow(job, fromSeq);
        } catch (RuntimeException e) {
            throw meters.failed(Op.FOLLOW, e);
        }
        meters.succeeded(Op.FOLLOW, start, 0, 0);
        return new MeteredFollower(follower, meters);
    }

    @Override
    public void delete(JobId job) {
        long start = meters.start();
        try {
            delegate.delete(job);
        } catch (RuntimeException e) {
            throw meters.failed(Op.DELETE, e);
        }
        meters.succeeded(Op.DELETE, start, 0, 0);
    }

    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) {
        long start = meters.start();
        JobPage page;
        try {
            page = delegate.list(prefix, startAfter, limit);
        } catch (RuntimeException e) {
            throw meters.failed(Op.LIST, e);
        }
        meters.succeeded(Op.LIST, start, 0, 0);
        return page;
    }

    @Override
    public void exportArchive(JobId job, OutputStream out) {
        long start = meters.start();
        CountingStreams.Out counted = new CountingStreams.Out(out);
        try {
            delegate.exportArchive(job, counted);
        } catch (RuntimeException e) {
            throw meters.failed(Op.EXPORT, e);
        }
        meters.succeeded(Op.EXPORT, start, 0, counted.count());
    }

    @Override
    public void importArchive(JobId job, InputStream archive) {
        long start = meters.start();
        CountingStreams.In counted = new CountingStreams.In(archive);
        try {
            delegate.importArchive(job, counted);
        } catch (RuntimeException e) {
            throw meters.failed(Op.IMPORT, e);
        }
        meters.succeeded(Op.IMPORT, start, counted.count(), 0);
    }

    @Override
    public Optional<ArchiveOptions> archiveOptions() {
        return delegate.archiveOptions();
    }

    /** Closes the delegate (a tiered store closes its metered tiers) and removes this instance's gauges. */
    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            meters.close();
        }
    }

    @Override
    public String toString() {
        return "metered " + delegate;
    }

    /** A writer session whose appends are timed and counted like the store's. */
    private static final class MeteredWriter extends ForwardingLogStore.ForwardingLogWriter {
        private final LogMeters meters;

        MeteredWriter(LogWriter writer, LogMeters meters) {
            super(writer);
            this.meters = meters;
        }

        @Override
        public void append(LogStream stream, long timestampMillis, byte[] data, int off, int len) {
            long start = meters.start();
            try {
                delegate().append(stream, timestampMillis, data, off, len);
            } catch (RuntimeException e) {
                throw meters.failed(Op.WRITER_APPEND, e);
            }
            meters.succeeded(Op.WRITER_APPEND, start, len, 0);
        }
    }

    /** A follower whose deliveries are counted (bytes) and measured (lag behind each chunk's timestamp). */
    private static final class MeteredFollower extends ForwardingLogStore.ForwardingLogFollower {
        private final LogMeters meters;

        MeteredFollower(LogFollower follower, LogMeters meters) {
            super(follower);
            this.meters = meters;
        }

        @Override
        public List<LogChunk> poll(Duration timeout) throws InterruptedException {
            List<LogChunk> chunks;
            try {
                chunks = delegate().poll(timeout);
            } catch (RuntimeException e) {
                throw meters.failed(Op.FOLLOW, e);
            }
            meters.delivered(chunks);
            return chunks;
        }
    }
}
