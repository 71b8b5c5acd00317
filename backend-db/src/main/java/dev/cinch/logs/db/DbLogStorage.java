package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogSealedException;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.codec.ChunkDictionary;
import dev.cinch.logs.follow.ChangeFeed;
import dev.cinch.logs.storage.ArchiveRef;
import dev.cinch.logs.storage.ArchiveUpload;
import dev.cinch.logs.storage.ChunkDictionaries;
import dev.cinch.logs.storage.LogForm;
import dev.cinch.logs.storage.LogStorage;
import dev.cinch.logs.storage.OpenLogAppender;
import dev.cinch.logs.storage.OpenLogSnapshot;
import dev.cinch.sql.Database;
import dev.cinch.sql.Dialect;
import dev.cinch.sql.Migrator;
import dev.cinch.sql.SchemaComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Logs as rows of a SQLite or Postgres database (tables in {@code db/migration/log-store-db/}, owned by this module):
 * per open log a {@code log_heads} row and one {@code log_chunks} row per chunk; per sealed log an archive in the
 * seekable zstd form, stored in fixed-size {@code log_archive_parts}. Storage code only: the log semantics are core's
 * ({@link dev.cinch.logs.store.StorageBackedLogStore}); see {@code docs/adr/0004-db-store.md}.
 *
 * <p><b>Durability</b>: an append returns once its chunk's transaction committed (SQLite WAL with
 * {@code synchronous=FULL}, Postgres with {@code synchronous_commit} on): it survives a crash of the process and
 * of the machine. Appends of concurrent logs share transactions ({@link GroupCommitter}).
 *
 * <p><b>Writers</b>: one writer per log across processes and server instances: the log's head row names the writing
 * store instance and a lease ({@code db.writer-lease}), renewed every third of the lease while the instance lives and
 * cleared when its appender closes. Another instance gets {@link LogLockedException} until the lease is cleared or
 * has run out (a writer killed without closing blocks the log for at most one lease). Each commit is fenced by the
 * writer and the expected chunk count, so a writer that lost its lease can never add rows.
 *
 * <p><b>Pool</b>: the store uses the database it is given; a pool lent by the metadata ({@link Database#lend}) is never
 * closed here.
 */
public final class DbLogStorage implements LogStorage, ChunkDictionaries {
    private static final Logger LOG = LoggerFactory.getLogger(DbLogStorage.class);
    /** The schema component of this module: its own migrations and history table. */
    public static final SchemaComponent COMPONENT = new SchemaComponent("log-store-db", "log_store_db_migrations",
            "db/migration/log-store-db", DbLogStorage.class);
    /** Size of one stored part of an archive: a range read fetches the parts its bytes lie in. */
    static final int ARCHIVE_PART_BYTES = 64 * 1024;
    /** A staged archive older than this whose upload never finished is removed at start-up (its process died). */
    static final Duration STALE_UPLOAD_AGE = Duration.ofHours(1);

    private final DbStoreConfig config;
    private final Database db;
    private final String instanceId = UUID.randomUUID().toString();
    private final GroupCommitter committer;
    private final DbChangeFeed feed;
    private final ConcurrentHashMap<JobId, DbAppender> appenders = new ConcurrentHashMap<>();
    private final ScheduledExecutorService leaseKeeper;
    /** The dictionary new chunks use: the newest stored one, re-read periodically (another instance may train). */
    private volatile Optional<ChunkDictionary> currentDictionary;
    private final ConcurrentHashMap<Integer, ChunkDictionary> dictionaries = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean training = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param db the database, migrated here to this module's latest schema; closed by {@link #close()} only if this
     *     object owns it (not when lent)
     */
    public DbLogStorage(DbStoreConfig config, Database db) {
        this.config = config;
        this.db = db;
        this.committer = new GroupCommitter(this);
        new Migrator(db, COMPONENT).migrate();
        sweepStaleUploads();
        this.feed = new DbChangeFeed(db, config.followPoll());
        this.leaseKeeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cinch-db-writer-lease");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, config.writerLease().toMillis() / 3);
        leaseKeeper.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
        this.currentDictionary = DictionaryTrainer.newest(db);
        leaseKeeper.scheduleWithFixedDelay(this::refreshDictionary, 30, 30, TimeUnit.SECONDS);
    }

    @Override
    public Optional<ChunkDictionary> current() {
        return currentDictionary;
    }

    @Override
    public Optional<ChunkDictionary> dictionary(int id) {
        ChunkDictionary d = dictionaries.get(id);
        if (d != null) {
            return Optional.of(d);
        }
        Optional<ChunkDictionary> loaded = DictionaryTrainer.byId(db, id);
        loaded.ifPresent(x -> dictionaries.put(id, x));
        return loaded;
    }

    private void refreshDictionary() {
        if (db.isClosed()) {
            return;
        }
        try {
            currentDictionary = DictionaryTrainer.newest(db);
        } catch (RuntimeException e) {
            LOG.debug("re-reading the newest dictionary failed", e);
        }
    }

    /** Trains a dictionary from this database's sealed logs now; new chunks use it at once. */
    public Optional<DictionaryTrainer.Trained> trainDictionary() {
        Optional<DictionaryTrainer.Trained> t = DictionaryTrainer.train(db, Math.max(config.dictionaryMinLogs(), 100),
                config.dictionaryBytes());
        t.ifPresent(x -> currentDictionary = Optional.of(x.dictionary()));
        return t;
    }

    /**
     * After a seal: trains the first dictionary in the background once {@code db.dictionary-min-logs} logs are
     * sealed. Later ones are trained on demand ({@code cinchlog --store db dict train}).
     */
    void afterSeal() {
        if (config.dictionaryMinLogs() == 0 || currentDictionary.isPresent() || !training.compareAndSet(false, true)) {
            return;
        }
        leaseKeeper.execute(() -> {
            try {
                refreshDictionary();
                if (currentDictionary.isEmpty() && DictionaryTrainer.sealedLogs(db) >= config.dictionaryMinLogs()) {
                    trainDictionary().ifPresent(t -> LOG.info("trained chunk dictionary {} ({} bytes) from {} chunks of {}"
                            + " sealed logs", t.dictionary().id(), t.dictionary().bytes().length, t.samples(), t.logs()));
                }
            } catch (RuntimeException e) {
                LOG.warn("training a chunk dictionary failed ({}); chunks stay compressed without one", e.toString());
            } finally {
                training.set(false);
            }
        });
    }

    Database db() {
        return db;
    }

    DbStoreConfig config() {
        return config;
    }

    String instanceId() {
        return instanceId;
    }

    GroupCommitter committer() {
        return committer;
    }

    /** After a group commit: nothing to do beyond what core publishes in process (Postgres notified in the transaction). */
    void afterCommit(List<DbAppender.Batch> work) {
    }

    @Override
    public LogForm form(JobId job) {
        Optional<ChunkRows.Head> head = db.read("look up the log of job " + job, c -> ChunkRows.head(c, job));
        return head.map(h -> h.sealed() ? LogForm.SEALED : LogForm.OPEN).orElse(LogForm.ABSENT);
    }

    /** Outcome of trying to take the writer role, decided in one transaction. */
    private enum Take { TAKEN, ABSENT, SEALED, LOCKED }

    @Override
    public Optional<OpenLogAppender> openAppender(JobId job, boolean create) throws IOException {
        long now = System.currentTimeMillis();
        long leaseUntil = now + config.writerLease().toMillis();
        ChunkRows.Head[] taken = new ChunkRows.Head[1];
        String[] holder = new String[1];
        Take outcome = db.inTransaction("take the writer role of job " + job, c -> {
            Optional<ChunkRows.Head> head = ChunkRows.head(c, job);
            if (head.isEmpty()) {
                if (!create) {
                    return Take.ABSENT;
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO log_heads (job_id, writer, lease_until, newlines) VALUES (?, ?, ?, 0)"
                        + " ON CONFLICT (job_id) DO NOTHING")) {
                    ps.setString(1, job.value());
                    ps.setString(2, instanceId);
                    ps.setLong(3, leaseUntil);
                    if (ps.executeUpdate() == 1) {
                        taken[0] = ChunkRows.head(c, job).orElseThrow();
                        return Take.TAKEN;
                    }
                }
                head = ChunkRows.head(c, job); // created by another instance at the same moment (Postgres)
                if (head.isEmpty()) {
                    return Take.LOCKED;
                }
            }
            ChunkRows.Head h = head.get();
            if (h.sealed()) {
                return Take.SEALED;
            }
            if (h.writer() != null && !h.writer().equals(instanceId) && h.leaseUntil() > now) {
                holder[0] = "another process or store instance (its writer lease runs until "
                        + Instant.ofEpochMilli(h.leaseUntil()) + ")";
                return Take.LOCKED;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE log_heads SET writer = ?, lease_until = ? WHERE job_id = ?")) {
                ps.setString(1, instanceId);
                ps.setLong(2, leaseUntil);
                ps.setString(3, job.value());
                ps.executeUpdate();
            }
            taken[0] = h;
            return Take.TAKEN;
        });
        return switch (outcome) {
            case ABSENT -> Optional.empty();
            case SEALED -> throw new LogSealedException(job, "take the writer role");
            case LOCKED -> throw new LogLockedException(job, holder[0] != null ? holder[0] : "another store instance creating it");
            case TAKEN -> {
                DbAppender a = new DbAppender(job, this, taken[0].totals(), taken[0].storedBytes());
                appenders.put(job, a);
                yield Optional.of(a);
            }
        };
    }

    /** Gives up the writer role of a closed appender. */
    void release(DbAppender appender) {
        appenders.remove(appender.job, appender);
        if (db.isClosed()) {
            return;
        }
        db.inTransaction("release the writer role of job " + appender.job, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE log_heads SET writer = NULL, lease_until = 0"
                    + " WHERE job_id = ? AND writer = ?")) {
                ps.setString(1, appender.job.value());
                ps.setString(2, instanceId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Extends the lease of every log this instance writes, in one statement. */
    private void renewLeases() {
        if (appenders.isEmpty() || db.isClosed()) {
            return;
        }
        try {
            db.inTransaction("renew writer leases", c -> {
                // Postgres: rows locked in job id order, as group commits lock them, so the two never deadlock.
                String sql = db.dialect() == Dialect.POSTGRES
                        ? "UPDATE log_heads SET lease_until = ? WHERE job_id IN (SELECT job_id FROM log_heads WHERE writer = ?"
                          + " ORDER BY job_id FOR UPDATE)"
                        : "UPDATE log_heads SET lease_until = ? WHERE writer = ?";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, System.currentTimeMillis() + config.writerLease().toMillis());
                    ps.setString(2, instanceId);
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("renewing writer leases on {} failed ({}); retrying", db.location(), e.toString());
        }
    }

    @Override
    public Optional<OpenLogSnapshot> openSnapshot(JobId job) throws IOException {
        Optional<ChunkRows.Head> head = db.read("look up the log of job " + job, c -> ChunkRows.head(c, job));
        if (head.isEmpty() || head.get().sealed()) {
            return Optional.empty();
        }
        return Optional.of(new DbSnapshot(job, db, head.get().totals(), head.get().storedBytes()));
    }

    @Override
    public Optional<ArchiveRef> archive(JobId job) throws IOException {
        Optional<ChunkRows.Head> head = db.read("look up the archive of job " + job, c -> ChunkRows.head(c, job));
        if (head.isEmpty() || !head.get().sealed() || head.get().archiveId() == null) {
            return Optional.empty();
        }
        return Optional.of(new ArchiveRef(head.get().archiveId(), head.get().archiveSize()));
    }

    @Override
    public Optional<ByteSource> openArchive(JobId job, ArchiveRef ref) throws IOException {
        if (!(ref.identity() instanceof Long id)) {
            throw new IllegalArgumentException("not an archive of the db store: " + ref);
        }
        Long size = db.read("open archive " + id + " of job " + job, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT size FROM log_archives WHERE archive_id = ? AND job_id = ?"
                    + " AND size IS NOT NULL")) {
                ps.setLong(1, id);
                ps.setString(2, job.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        });
        return size == null ? Optional.empty() : Optional.of(new DbArchiveSource(job, db, id, size));
    }

    @Override
    public ArchiveUpload newArchive(JobId job) throws IOException {
        return DbArchiveUpload.start(job, this);
    }

    @Override
    public void delete(JobId job) throws IOException {
        db.inTransaction("delete the log of job " + job, c -> {
            for (String sql : List.of(
                    "DELETE FROM log_chunks WHERE job_id = ?",
                    "DELETE FROM log_archive_parts WHERE archive_id IN (SELECT archive_id FROM log_archives WHERE job_id = ?)",
                    "DELETE FROM log_archives WHERE job_id = ?",
                    "DELETE FROM log_heads WHERE job_id = ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, job.value());
                    ps.executeUpdate();
                }
            }
            if (db.dialect() == Dialect.POSTGRES) {
                DbChangeFeed.notify(c, List.of(job.value() + " deleted"));
            }
            return null;
        });
    }

    /** Removes one archive's rows (a staged upload given up, or a stale one). */
    void removeArchive(long archiveId, String what) {
        db.inTransaction(what, c -> {
            for (String sql : List.of("DELETE FROM log_archive_parts WHERE archive_id = ?",
                    "DELETE FROM log_archives WHERE archive_id = ? AND size IS NULL")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, archiveId);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Lists by range over the primary key ({@code job_id >= prefix AND job_id < prefix || 0x7f}: every id character
     * sorts below 0x7f, and both databases compare job ids bytewise), so a page costs its size, not the table's.
     */
    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) throws IOException {
        List<JobId> ids = db.read("list logs with prefix '" + prefix + "'", c -> {
            List<JobId> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT job_id FROM log_heads WHERE job_id >= ? AND job_id < ?"
                    + " AND job_id > ? ORDER BY job_id LIMIT ?")) {
                ps.setString(1, prefix);
                ps.setString(2, prefix + "\u007f");
                ps.setString(3, startAfter == null ? "" : startAfter.value());
                ps.setInt(4, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(JobId.of(rs.getString(1)));
                    }
                }
            }
            return out;
        });
        if (ids.size() > limit) {
            List<JobId> page = ids.subList(0, limit);
            return new JobPage(List.copyOf(page), Optional.of(page.get(limit - 1)));
        }
        return new JobPage(ids, Optional.empty());
    }

    /** A seal commits the archive and removes the chunks in one transaction; this only clears what an older build left. */
    @Override
    public void finishSeal(JobId job) throws IOException {
        db.inTransaction("finish the seal of job " + job, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM log_chunks WHERE job_id = ? AND EXISTS"
                    + " (SELECT 1 FROM log_heads WHERE job_id = ? AND sealed = 1)")) {
                ps.setString(1, job.value());
                ps.setString(2, job.value());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private void sweepStaleUploads() {
        long cutoff = System.currentTimeMillis() - STALE_UPLOAD_AGE.toMillis();
        int removed = db.inTransaction("remove stale staged archives", c -> {
            try (PreparedStatement parts = c.prepareStatement("DELETE FROM log_archive_parts WHERE archive_id IN"
                    + " (SELECT archive_id FROM log_archives WHERE size IS NULL AND created_at < ?)");
                 PreparedStatement rows = c.prepareStatement("DELETE FROM log_archives WHERE size IS NULL AND created_at < ?")) {
                parts.setLong(1, cutoff);
                parts.executeUpdate();
                rows.setLong(1, cutoff);
                return rows.executeUpdate();
            }
        });
        if (removed > 0) {
            LOG.info("removed {} staged archive(s) left by processes that stopped mid-seal or mid-import", removed);
        }
    }

    @Override
    public ChangeFeed changes() {
        return feed;
    }

    @Override
    public int maxOpenAppenders() {
        return config.maxOpenWriters();
    }

    @Override
    public void close() {
        leaseKeeper.shutdownNow();
        feed.close();
        db.close(); // a no-op for a lent pool
    }

    @Override
    public String toString() {
        return "db[" + db.location() + "]";
    }
}
