package dev.cinch.bench;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.codec.ChunkCodec;
import dev.cinch.logs.codec.EncodedChunk;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.sql.PostgresUrl;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Durable appends of 4 KiB chunks of real logs into a database, 1 and 32 jobs at once (one JMH thread per job), on
 * SQLite (WAL, {@code synchronous=FULL}) and Postgres ({@code synchronous_commit} on). Score: appends per second.
 * {@code mode}:
 * <ul>
 *   <li>{@code store}: the {@code db} LogStore (zstd per chunk, CRC32C, group commit across jobs);</li>
 *   <li>{@code seed}: the seed-literal layout, one autocommit {@code INSERT} of a TEXT chunk per append into
 *       {@code job_logs(job_id, chunk_seq, stream, data TEXT, timestamp)};</li>
 *   <li>{@code tx}: what the store writes per chunk (a compressed BLOB row and its log's totals) in a durable
 *       transaction of its own per append: the store without group commit.</li>
 * </ul>
 * SQLite baselines write through one connection shared by all jobs (SQLite has one write lock; one connection per
 * thread measures its busy handler); Postgres baselines use a connection per job, as a pool would hand out.
 * Postgres: {@code CINCH_BENCH_DATABASE_URL} (else {@code CINCH_TEST_DATABASE_URL}, else the local test server), a
 * fresh schema per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DbAppendBench {
    /** A job's log is left after this many raw bytes and the thread moves to a new job. */
    static final long ROTATE_BYTES = 16L << 20;

    @Param({"sqlite", "postgres"})
    public String database;

    @Param({"store", "seed", "tx"})
    public String mode;

    @Param({"4096"})
    public int chunkBytes;

    CorpusBytes corpus;
    Path scratch;
    String schema;
    PostgresUrl postgres;
    LogStore store;
    ChunkCodec codec;
    /** SQLite baselines: the one shared connection and its lock. */
    Connection shared;
    final ReentrantLock sharedLock = new ReentrantLock(true);
    final List<Connection> connections = new ArrayList<>();
    final AtomicInteger jobNumbers = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() throws SQLException {
        corpus = CorpusBytes.load();
        scratch = BenchDirs.newScratch("db-append-" + database + "-" + mode);
        Map<String, String> settings = new HashMap<>();
        settings.put(CinchConfig.DATA_DIR, scratch.toString());
        if (database.equals("postgres")) {
            PostgresUrl base = JobClaimBench.postgresUrl();
            schema = "cinch_bench_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            try (Connection c = connect(base); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            Map<String, String> params = new LinkedHashMap<>(base.parameters());
            params.put("currentSchema", schema);
            postgres = new PostgresUrl(base.host(), base.port(), base.database(), base.user(), base.password(), params);
            settings.put("database.url", postgres.jdbcUrl() + (base.user().isEmpty() ? "" : "&user=" + base.user())
                    + (base.password().isEmpty() ? "" : "&password=" + base.password()));
            settings.put("database.pool-size", "8");
        } else if (!database.equals("sqlite")) {
            throw new IllegalArgumentException("database must be sqlite or postgres, got " + database);
        }
        switch (mode) {
            case "store" -> store = LogStores.fromClassPath().open("db", CinchConfig.of(settings));
            case "seed", "tx" -> {
                codec = new ChunkCodec(ChunkCodec.DEFAULT_LEVEL);
                try (Connection c = newConnection(); Statement s = c.createStatement()) {
                    String blob = postgres != null ? "BYTEA" : "BLOB";
                    String id = postgres != null ? "BIGSERIAL" : "INTEGER";
                    s.execute("CREATE TABLE job_logs (id " + id + " PRIMARY KEY" + (postgres != null ? "" : " AUTOINCREMENT")
                            + ", job_id TEXT NOT NULL, chunk_seq BIGINT NOT NULL, stream TEXT NOT NULL, data TEXT NOT NULL,"
                            + " timestamp BIGINT NOT NULL, UNIQUE (job_id, chunk_seq))");
                    s.execute("CREATE TABLE chunks (job_id TEXT NOT NULL, seq BIGINT NOT NULL, raw_offset BIGINT NOT NULL,"
                            + " raw_length INTEGER NOT NULL, crc32c INTEGER NOT NULL, body " + blob + " NOT NULL,"
                            + " PRIMARY KEY (job_id, seq))");
                    s.execute("CREATE TABLE heads (job_id TEXT PRIMARY KEY, chunks BIGINT NOT NULL, raw_bytes BIGINT NOT NULL)");
                }
                if (postgres == null) {
                    shared = newConnection();
                }
            }
            default -> throw new IllegalArgumentException("mode must be store, seed or tx, got " + mode);
        }
    }

    private static Connection connect(PostgresUrl url) throws SQLException {
        Properties p = new Properties();
        if (!url.user().isEmpty()) {
            p.setProperty("user", url.user());
        }
        if (!url.password().isEmpty()) {
            p.setProperty("password", url.password());
        }
        return DriverManager.getConnection(url.jdbcUrl(), p);
    }

    /** A baseline connection: Postgres in the trial's schema; SQLite in WAL mode with synchronous=FULL. */
    synchronized Connection newConnection() throws SQLException {
        Connection c;
        if (postgres != null) {
            c = connect(postgres);
        } else {
            c = DriverManager.getConnection("jdbc:sqlite:" + scratch.resolve("baseline.db"));
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
            }
        }
        connections.add(c);
        return c;
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        if (store != null) {
            store.close();
        }
        if (codec != null) {
            codec.close();
        }
        for (Connection c : connections) {
            c.close();
        }
        if (schema != null) {
            try (Connection c = connect(JobClaimBench.postgresUrl()); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
        BenchDirs.deleteTree(scratch);
    }

    /** One job per thread: its id, next seq, raw offset and slice of the corpus. */
    @State(Scope.Thread)
    public static class Job {
        DbAppendBench bench;
        ChunkFeed feed;
        Connection own;
        String id;
        long seq;
        long rawBytes;

        @Setup(Level.Trial)
        public void start(DbAppendBench bench) throws SQLException {
            this.bench = bench;
            feed = bench.corpus.feedForJob(bench.chunkBytes, bench.jobNumbers.getAndIncrement());
            if (bench.postgres != null && bench.store == null) {
                own = bench.newConnection();
            }
            nextJob();
        }

        void nextJob() {
            id = "append-" + bench.jobNumbers.getAndIncrement();
            seq = 0;
            rawBytes = 0;
        }

        void append() throws SQLException {
            if (rawBytes >= ROTATE_BYTES) {
                nextJob();
            }
            byte[] data = feed.next();
            long now = System.currentTimeMillis();
            if (bench.store != null) {
                bench.store.append(JobId.of(id), new LogChunk(seq, LogStream.STDOUT, now, data));
            } else if (own != null) {
                write(own, data, now);
            } else {
                bench.sharedLock.lock();
                try {
                    write(bench.shared, data, now);
                } finally {
                    bench.sharedLock.unlock();
                }
            }
            seq++;
            rawBytes += data.length;
        }

        private void write(Connection c, byte[] data, long now) throws SQLException {
            if (bench.mode.equals("seed")) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO job_logs (job_id, chunk_seq, stream, data, timestamp) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, id);
                    ps.setLong(2, seq);
                    ps.setString(3, "stdout");
                    ps.setString(4, new String(data, StandardCharsets.UTF_8).replace("\u0000", ""));
                    ps.setLong(5, now);
                    ps.executeUpdate();
                }
                return;
            }
            EncodedChunk body = bench.codec.encode(data);
            boolean sqlite = bench.postgres == null;
            if (sqlite) {
                try (Statement s = c.createStatement()) {
                    s.execute("BEGIN IMMEDIATE");
                }
            } else {
                c.setAutoCommit(false);
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO chunks (job_id, seq, raw_offset, raw_length, crc32c, body)"
                    + " VALUES (?, ?, ?, ?, ?, ?)");
                 PreparedStatement head = c.prepareStatement(seq == 0
                         ? "INSERT INTO heads (chunks, raw_bytes, job_id) VALUES (?, ?, ?)"
                         : "UPDATE heads SET chunks = ?, raw_bytes = ? WHERE job_id = ?")) {
                ins.setString(1, id);
                ins.setLong(2, seq);
                ins.setLong(3, rawBytes);
                ins.setInt(4, body.rawLength());
                ins.setInt(5, body.crc32c());
                ins.setBytes(6, body.payload());
                ins.executeUpdate();
                head.setLong(1, seq + 1);
                head.setLong(2, rawBytes + data.length);
                head.setString(3, id);
                head.executeUpdate();
            }
            if (sqlite) {
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
            } else {
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }

    @Benchmark
    @Threads(1)
    public void job1(Job job) throws SQLException {
        job.append();
    }

    @Benchmark
    @Threads(32)
    public void jobs32(Job job) throws SQLException {
        job.append();
    }
}
