package dev.cinch.bench;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.metadata.ClaimedJob;
import dev.cinch.sql.Database;
import dev.cinch.sql.Dialect;
import dev.cinch.metadata.EncryptionKeys;
import dev.cinch.metadata.JobStatusUpdate;
import dev.cinch.metadata.JobStatus;
import dev.cinch.metadata.Metadata;
import dev.cinch.metadata.NewRepo;
import dev.cinch.metadata.NewWorker;
import dev.cinch.sql.PostgresUrl;
import dev.cinch.metadata.StoreSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The job queue under 8 workers: each JMH thread is one worker that claims the next job
 * ({@code MetadataStore.claimNextJob}, {@code FOR UPDATE SKIP LOCKED} on Postgres, one {@code BEGIN IMMEDIATE} on
 * SQLite) and completes it ({@code completeJob}), as a worker running empty jobs would. Score: claims per second
 * (one claim and its completion per operation). Jobs carry mixed labels ({@code []}, {@code [linux]},
 * {@code [linux, arm64]}, {@code [gpu]}); every worker carries all of them, so the label check runs on every claim
 * but never leaves a job behind.
 *
 * <p>The queue is filled before each iteration, outside the measured time, and an iteration in which any claim came
 * back empty fails the run: an empty queue would make claims look cheap. Postgres runs in a fresh schema of
 * {@code CINCH_BENCH_DATABASE_URL} (else {@code CINCH_TEST_DATABASE_URL}, else
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), dropped after the trial; SQLite in a scratch folder.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JobClaimBench {
    static final int WORKERS = 8;
    /** Pending jobs at the start of every iteration: more than 8 workers claim in one measured iteration. */
    static final int QUEUE_DEPTH = 60_000;
    static final List<String> ALL_LABELS = List.of("linux", "arm64", "gpu");
    static final List<String> JOB_LABELS = List.of("[]", "[\"linux\"]", "[\"linux\", \"arm64\"]", "[\"gpu\"]");

    @Param({"postgres", "sqlite"})
    public String database;

    Metadata md;
    Database db;
    String repoId;
    String schema;
    Path scratch;
    final AtomicInteger workerNumbers = new AtomicInteger();
    final AtomicLong emptyClaims = new AtomicLong();
    final String[] workerIds = new String[WORKERS];

    static PostgresUrl postgresUrl() {
        String raw = System.getenv("CINCH_BENCH_DATABASE_URL");
        if (raw == null || raw.isBlank()) {
            raw = System.getenv("CINCH_TEST_DATABASE_URL");
        }
        if (raw == null || raw.isBlank()) {
            raw = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
        }
        return PostgresUrl.parse("CINCH_BENCH_DATABASE_URL", raw);
    }

    private static Connection adminConnection(PostgresUrl url) throws SQLException {
        Properties p = new Properties();
        if (!url.user().isEmpty()) {
            p.setProperty("user", url.user());
        }
        if (!url.password().isEmpty()) {
            p.setProperty("password", url.password());
        }
        return DriverManager.getConnection(url.jdbcUrl(), p);
    }

    @Setup(Level.Trial)
    public void open() throws SQLException {
        StoreSettings settings = StoreSettings.withBcryptCost(4);
        if (database.equals("postgres")) {
            PostgresUrl base = postgresUrl();
            schema = "cinch_bench_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            try (Connection c = adminConnection(base); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            Map<String, String> params = new LinkedHashMap<>(base.parameters());
            params.put("currentSchema", schema);
            db = Database.postgres(new PostgresUrl(base.host(), base.port(), base.database(), base.user(), base.password(), params),
                    WORKERS + 2, Duration.ofSeconds(10));
        } else if (database.equals("sqlite")) {
            scratch = BenchDirs.newScratch("queue-sqlite");
            db = Database.open(CinchConfig.of(Map.of("data-dir", scratch.toString(), "database.pool-size", String.valueOf(WORKERS))));
        } else {
            throw new IllegalArgumentException("database must be postgres or sqlite, got " + database);
        }
        md = Metadata.of(db, EncryptionKeys.none(), settings, Clock.systemUTC());
        md.migrate();
        repoId = md.store().createRepo(new NewRepo("github", "bench", "queue", "https://x/bench/queue.git", "", false, null, null)).id();
        for (int i = 0; i < WORKERS; i++) {
            workerIds[i] = md.store().createWorker(new NewWorker("bench-" + i, ALL_LABELS)).worker().id();
        }
    }

    /** Tops the queue up to {@link #QUEUE_DEPTH} pending jobs, in one transaction, outside the measured time. */
    @Setup(Level.Iteration)
    public void fillQueue() throws SQLException {
        emptyClaims.set(0);
        boolean pg = db.dialect() == Dialect.POSTGRES;
        try (Connection c = db.connection()) {
            int pending;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM jobs WHERE status = 'pending'")) {
                rs.next();
                pending = rs.getInt(1);
            }
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (id, repo_id, commit_sha, branch, command, created_at, "
                    + "labels) VALUES (?, ?, 'c', 'main', 'true', ?, " + (pg ? "CAST(? AS jsonb)" : "?") + ")")) {
                Instant now = Instant.now();
                String prefix = "j_bench_" + Long.toHexString(System.nanoTime()) + "_";
                for (int i = pending; i < QUEUE_DEPTH; i++) {
                    ps.setString(1, prefix + i);
                    ps.setString(2, repoId);
                    if (pg) {
                        ps.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    } else {
                        ps.setLong(3, now.getEpochSecond());
                    }
                    ps.setString(4, JOB_LABELS.get(i % JOB_LABELS.size()));
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            c.setAutoCommit(autoCommit);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE jobs");
            }
        }
    }

    /** An iteration in which the queue ran dry measured nothing real: fail the run. */
    @TearDown(Level.Iteration)
    public void checkQueueNeverRanDry() {
        if (emptyClaims.get() > 0) {
            throw new IllegalStateException(emptyClaims.get() + " claims found the queue empty: raise QUEUE_DEPTH");
        }
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        md.close();
        if (schema != null) {
            try (Connection c = adminConnection(postgresUrl()); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
        BenchDirs.deleteTree(scratch);
    }

    /** One worker per JMH thread. */
    @State(Scope.Thread)
    public static class Worker {
        String id;

        @Setup(Level.Trial)
        public void register(JobClaimBench bench) {
            id = bench.workerIds[bench.workerNumbers.getAndIncrement() % WORKERS];
        }
    }

    @Benchmark
    @Threads(WORKERS)
    public Object claimAndComplete(Worker worker) {
        Optional<ClaimedJob> claimed = md.store().claimNextJob(worker.id, ALL_LABELS);
        if (claimed.isEmpty()) {
            emptyClaims.incrementAndGet();
            return null;
        }
        return md.store().completeJob(claimed.get().lease(), JobStatusUpdate.finished(JobStatus.SUCCESS, 0, null));
    }
}
