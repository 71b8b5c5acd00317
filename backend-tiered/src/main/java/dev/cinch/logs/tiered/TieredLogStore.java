package dev.cinch.logs.tiered;

import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogCheck;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogSealedException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStatus;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreClosedException;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.LogWriter;
import dev.cinch.sql.Database;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A hot tier and ordered archive tiers behind one {@link LogStore}. Writes and follows of open logs go to the hot
 * tier. A sealed log has a location record in the shared database naming the one tier that answers its reads, so a
 * read costs one indexed lookup, never a probe of every tier; an open log has none and lives in the hot tier. The
 * {@link Archiver} moves sealed logs down through the recorded state machine of {@link MoveState}: while a move is
 * under way the record names the source until the copy is verified and made the answering one, so a read always
 * finds the log, byte-exact, in exactly one authoritative tier. A read that races the switch (the source copy
 * deleted under it) looks the record up again and reads from the destination.
 *
 * <p>{@code stat} and {@code verify} report the tier's name. Delete removes the log from every tier, then its record.
 */
public final class TieredLogStore implements LogStore {
    public static final String NAME = "tiered";
    private static final int MAX_WRITING_REMEMBERED = 100_000;
    private static final int MAX_LOCATIONS_CACHED = 100_000;

    private final TieredConfig config;
    private final List<Tier> tiers;
    private final Map<String, Tier> byName = new LinkedHashMap<>();
    private final LocationRecords records;
    private final Database database;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Logs this store appends to that have no record (so are open): their appends skip the record look-up. */
    private final Set<JobId> writing = ConcurrentHashMap.newKeySet();
    /**
     * Per-job order between appends (shared) and seal, delete and import (exclusive) in this instance, so that an
     * append never lands in the hot tier after the log was sealed and moved out of it.
     */
    private final ReadWriteLock[] stripes = new ReadWriteLock[256];
    private Archiver sealMover;
    /** Recent answers of {@link #answering}, least recently used first. Guarded by itself. */
    private final Map<JobId, String> locations = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<JobId, String> eldest) {
            return size() > MAX_LOCATIONS_CACHED;
        }
    };

    TieredLogStore(TieredConfig config, List<Tier> tiers, Database database, Clock clock) {
        this.config = config;
        this.tiers = List.copyOf(tiers);
        this.tiers.forEach(t -> byName.put(t.name(), t));
        this.database = database;
        this.records = new LocationRecords(database);
        this.clock = clock;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantReadWriteLock();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    TieredConfig config() {
        return config;
    }

    List<Tier> tiers() {
        return tiers;
    }

    LocationRecords records() {
        return records;
    }

    Clock clock() {
        return clock;
    }

    /** The tier new logs are written to. */
    public String hotTier() {
        return hot().name();
    }

    /** The tiers' names, hot first. */
    public List<String> tierNames() {
        return tiers.stream().map(Tier::name).toList();
    }

    /** The hot tier's: the options of the archives this store writes when it seals. */
    @Override
    public Optional<dev.cinch.logs.archive.ArchiveOptions> archiveOptions() {
        return hot().store().archiveOptions();
    }

    /** A new archival job over this store's tiers; {@code owner} names it in move leases (host and process). */
    public Archiver archiver(String owner) {
        checkOpen();
        return new Archiver(this, owner);
    }

    /**
     * The sweeper of abandoned open logs ({@link Sweeper}), sealing through {@code sealThrough}: the store an
     * embedding server writes through (with its policies), so that a swept log is sealed as its job would have sealed it.
     */
    public Sweeper sweeper(LogStore sealThrough) {
        checkOpen();
        return new Sweeper(this, sealThrough);
    }

    Tier hot() {
        return tiers.get(0);
    }

    Tier tier(String name, JobId job) {
        Tier t = byName.get(name);
        if (t == null) {
            throw new LogStoreException(job, "the location record names tier '" + name + "', which is not configured in "
                    + TieredConfig.TIERS + " " + tierNames() + "; add it back to read this log");
        }
        return t;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new LogStoreClosedException(NAME);
        }
    }

    /**
     * The tier that answers reads of the job's log, from a bounded cache of recent look-ups. A cached answer can only
     * be stale after a move or delete, and then the tier it names no longer holds the log (a move deletes its source
     * last), so every caller that gets {@link LogNotFoundException} asks again with {@link #answeringNow}. Until then
     * a stale answer still reads the same bytes: a source copy is identical to the verified destination.
     */
    private Tier answering(JobId job) {
        String cached;
        synchronized (locations) {
            cached = locations.get(job);
        }
        return cached != null ? tier(cached, job) : answeringNow(job);
    }

    /** The answering tier from the record itself, refreshing the cache. */
    private Tier answeringNow(JobId job) {
        Tier t = records.find(job).map(l -> tier(l.tier(), job)).orElse(hot());
        synchronized (locations) {
            locations.put(job, t.name());
        }
        return t;
    }

    /** Forgets the cached location of the job (it was sealed, imported, moved or deleted through this store). */
    void forgetLocation(JobId job) {
        synchronized (locations) {
            locations.remove(job);
        }
    }

    /**
     * Runs a read in the answering tier. If the log is not found there but the record has changed meanwhile (a move
     * switched tiers and deleted the source under the read), the read runs again where the record now points.
     */
    private <T> T read(JobId job, Function<Tier, T> op) {
        checkOpen();
        Objects.requireNonNull(job, "job");
        Tier tier = answering(job);
        for (int attempt = 0; ; attempt++) {
            try {
                return op.apply(tier);
            } catch (LogNotFoundException e) {
                Tier now = answeringNow(job);
                if (now == tier || attempt >= 2) {
                    throw e;
                }
                tier = now;
            }
        }
    }

    // ---- writing: the hot tier ----------------------------------------------------------------------------------

    @Override
    public void append(JobId job, LogChunk chunk) {
        checkOpen();
        Lock lock = stripe(job).readLock();
        lock.lock();
        try {
            checkNotRecorded(job, chunk.seq());
            hot().store().append(job, chunk);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public LogWriter openWriter(JobId job) {
        checkOpen();
        Lock lock = stripe(job).readLock();
        lock.lock();
        try {
            checkNotRecorded(job, -1);
            return hot().store().openWriter(job);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A recorded log is sealed, wherever it lies now: an append must not start a new open log in the hot tier under
     * its id. Looked up once per log while this store writes it, not once per append.
     */
    private void checkNotRecorded(JobId job, long seq) {
        if (writing.contains(job)) {
            return;
        }
        if (records.find(job).isPresent()) {
            throw seq < 0 ? new LogSealedException(job, "open a writer") : new LogSealedException(job, seq);
        }
        if (writing.size() >= MAX_WRITING_REMEMBERED) {
            writing.clear(); // only a cache of look-ups: forgetting costs one more look-up per log
        }
        writing.add(job);
    }

    private ReadWriteLock stripe(JobId job) {
        return stripes[Math.floorMod(job.hashCode(), stripes.length)];
    }

    /**
     * Seals the log in the hot tier and records it there, with the time the archival rules count from. Sealing a
     * log that is already recorded (sealed, perhaps moved down) does nothing, as sealing a sealed log does.
     */
    @Override
    public void seal(JobId job) {
        checkOpen();
        Lock lock = stripe(job).writeLock();
        lock.lock();
        try {
            writing.remove(job);
            forgetLocation(job);
            if (records.find(job).isPresent()) {
                return;
            }
            hot().store().seal(job);
            LogStat stat = hot().store().stat(job);
            records.recordSealed(job, hot().name(), clock.millis(), stat.rawBytes(), clock.millis());
        } finally {
            lock.unlock();
        }
        if (config.moveAtSeal()) {
            sealMover().moveDown(job);
        }
    }

    /** The archiver {@code seal} moves logs with ({@link TieredConfig#moveAtSeal()}), made on first use. */
    private synchronized Archiver sealMover() {
        if (sealMover == null) {
            sealMover = new Archiver(this, Archiver.processOwner());
        }
        return sealMover;
    }

    // ---- reading: the answering tier ----------------------------------------------------------------------------

    @Override
    public List<LogChunk> readChunks(JobId job, long fromSeq, int maxChunks) {
        return read(job, t -> t.store().readChunks(job, fromSeq, maxChunks));
    }

    @Override
    public byte[] readRange(JobId job, long offset, int length) {
        return read(job, t -> t.store().readRange(job, offset, length));
    }

    @Override
    public byte[] readTailLines(JobId job, int lines) {
        return read(job, t -> t.store().readTailLines(job, lines));
    }

    @Override
    public byte[] readLines(JobId job, long fromLine, int count) {
        return read(job, t -> t.store().readLines(job, fromLine, count));
    }

    @Override
    public List<dev.cinch.logs.LogRange> rangesThatMayContain(JobId job, byte[] literal) {
        return read(job, t -> t.store().rangesThatMayContain(job, literal));
    }

    @Override
    public LogStat stat(JobId job) {
        LogStat stat = read(job, t -> t.store().stat(job).inTier(t.name()));
        if (!stat.sealed()) {
            return stat; // a mark on an open log is a sweep under way: the log is still open
        }
        // One look-up by key per stat of a sealed log; not cached, as another instance's sweep may mark a log.
        return records.incompleteReason(job).map(why -> stat.withStatus(LogStatus.incomplete(why))).orElse(stat);
    }

    @Override
    public LogCheck verify(JobId job) {
        return read(job, t -> {
            LogCheck c = t.store().verify(job);
            return new LogCheck(c.job(), t.name(), c.sealed(), c.chunks(), c.rawBytes(), c.problems(), c.problemCount());
        });
    }

    @Override
    public boolean exists(JobId job) {
        checkOpen();
        Tier tier = answering(job);
        if (tier.store().exists(job)) {
            return true;
        }
        Tier now = answeringNow(job);
        return now != tier && now.store().exists(job);
    }

    /**
     * Follows the log in the tier that answers now. When a move takes the log out of that tier under the follower
     * (seal with move-at-seal, or the archival job), the follower goes on from its next seq in the tier the record
     * names now, so a slow follower still gets every chunk.
     */
    @Override
    public LogFollower follow(JobId job, long fromSeq) {
        checkOpen();
        Tier tier = answering(job);
        return new MovingFollower(job, tier, tier.store().follow(job, fromSeq));
    }

    /** Polled by one thread; closed by any (closing wakes nothing more than the tier's follower does). */
    private final class MovingFollower implements LogFollower {
        private final JobId job;
        private Tier tier;
        private volatile LogFollower current;
        private volatile boolean closed;

        MovingFollower(JobId job, Tier tier, LogFollower current) {
            this.job = job;
            this.tier = tier;
            this.current = current;
        }

        @Override
        public List<LogChunk> poll(java.time.Duration timeout) throws InterruptedException {
            for (int attempt = 0; ; attempt++) {
                LogFollower f = current;
                try {
                    return f.poll(timeout);
                } catch (LogNotFoundException e) {
                    Tier now = answeringNow(job);
                    if (closed || now == tier || attempt >= 2) {
                        throw e; // deleted, not moved
                    }
                    f.close();
                    tier = now;
                    current = now.store().follow(job, f.nextSeq());
                    if (closed) {
                        current.close();
                    }
                }
            }
        }

        @Override
        public boolean isFinished() {
            return current.isFinished();
        }

        @Override
        public long nextSeq() {
            return current.nextSeq();
        }

        @Override
        public void close() {
            closed = true;
            current.close();
        }
    }

    @Override
    public void exportArchive(JobId job, OutputStream out) {
        // No retry here: a retry after a partial write would duplicate bytes in out. A move that deletes the source
        // under an export makes it fail with LogNotFoundException; the caller exports again.
        checkOpen();
        answering(job).store().exportArchive(job, out);
    }

    /**
     * Imports into the tier that holds the log if it is recorded (a no-op for the same content, a conflict
     * otherwise), else into the hot tier, and records it there as sealed now.
     */
    @Override
    public void importArchive(JobId job, InputStream archive) {
        checkOpen();
        Lock lock = stripe(job).writeLock();
        lock.lock();
        try {
            writing.remove(job);
            forgetLocation(job);
            Optional<Location> at = records.find(job);
            if (at.isPresent()) {
                tier(at.get().tier(), job).store().importArchive(job, archive);
                return;
            }
            hot().store().importArchive(job, archive);
            LogStat stat = hot().store().stat(job);
            records.recordSealed(job, hot().name(), clock.millis(), stat.rawBytes(), clock.millis());
        } finally {
            lock.unlock();
        }
    }

    // ---- every tier ---------------------------------------------------------------------------------------------

    /**
     * Deletes the log in every tier, then its record: a crash in between leaves a record whose log is gone, which
     * the next delete removes; never a log without its record in a tier below the hot one.
     */
    @Override
    public void delete(JobId job) {
        checkOpen();
        Lock lock = stripe(job).writeLock();
        lock.lock();
        try {
            writing.remove(job);
            for (Tier t : tiers) {
                t.store().delete(job);
            }
            records.delete(job);
            forgetLocation(job);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One page of ids over every tier, merged in order; a log in two tiers during a move is listed once. A tier
     * whose page ended early has listed every id up to its last one only, so the merged page stops at the smallest
     * such end: nothing is skipped, and the next page starts after it.
     */
    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) {
        checkOpen();
        TreeSet<String> merged = new TreeSet<>();
        String end = null;
        for (Tier t : tiers) {
            JobPage page = t.store().list(prefix, startAfter, limit);
            page.jobs().forEach(j -> merged.add(j.value()));
            if (page.nextStartAfter().isPresent()) {
                String e = page.nextStartAfter().get().value();
                end = end == null || e.compareTo(end) < 0 ? e : end;
            }
        }
        List<JobId> jobs = new ArrayList<>(limit);
        for (String id : merged) {
            if ((end != null && id.compareTo(end) > 0) || jobs.size() == limit) {
                return new JobPage(jobs, Optional.of(jobs.get(jobs.size() - 1)));
            }
            jobs.add(JobId.of(id));
        }
        return new JobPage(jobs, end == null ? Optional.empty() : Optional.of(jobs.get(jobs.size() - 1)));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException first = null;
        synchronized (this) {
            if (sealMover != null) {
                sealMover.close();
            }
        }
        for (Tier t : tiers) {
            try {
                t.store().close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        database.close(); // a lent pool stays open: only its owner closes it
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "TieredLogStore" + tierNames();
    }
}
