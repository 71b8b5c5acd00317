package dev.cinch.bench;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Baselines for {@link StoreAppendBench} in one SQLite database (WAL), every job writing into the same file as a
 * Cinch server on the seed schema would:
 * <ul>
 *   <li>{@code chunk}: the seed-literal layout, one autocommit {@code INSERT} of a TEXT chunk per append into
 *       {@code job_logs(job_id, chunk_seq, stream, data TEXT, timestamp)} (bytes decoded as UTF-8, so invalid
 *       sequences are replaced: the seed's own lossiness);</li>
 *   <li>{@code line}: one row per line, the layout some CI servers use; the chunk's lines go in as one transaction
 *       per append (a partial last line is its own row).</li>
 * </ul>
 * Writes go through one connection shared by all jobs, the way a server uses SQLite (it has one write lock; with
 * one connection per thread, 32 writers spin in SQLite's busy handler and starve each other, which measures the
 * busy handler, not the layout). SQLite has no group commit, so {@code synchronous=FULL} (every commit syncs the
 * WAL) is the comparison for the store's {@code fsync} and {@code group}, and {@code OFF} for {@code none}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SqliteAppendBaselineBench {

    @Param({"chunk", "line"})
    public String layout;

    @Param({"FULL", "OFF"})
    public String synchronous;

    @Param({"512", "4096", "65536"})
    public int chunkBytes;

    Path dir;
    String url;
    CorpusBytes corpus;
    final AtomicInteger jobNumbers = new AtomicInteger();
    Connection connection;
    PreparedStatement insertChunk;
    PreparedStatement insertLine;
    final ReentrantLock writeLock = new ReentrantLock(true);

    @Setup(Level.Trial)
    public void createDatabase() throws SQLException {
        corpus = CorpusBytes.load();
        dir = BenchDirs.newScratch("sqlite");
        url = "jdbc:sqlite:" + dir.resolve("cinch.db");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE job_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, "
                    + "chunk_seq INTEGER NOT NULL, stream TEXT NOT NULL, data TEXT NOT NULL, timestamp INTEGER NOT NULL)");
            s.execute("CREATE INDEX idx_job_logs_job ON job_logs(job_id, chunk_seq)");
            s.execute("CREATE TABLE job_log_lines (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, "
                    + "line_no INTEGER NOT NULL, stream TEXT NOT NULL, line TEXT NOT NULL, timestamp INTEGER NOT NULL)");
            s.execute("CREATE INDEX idx_job_log_lines_job ON job_log_lines(job_id, line_no)");
        }
        connection = DriverManager.getConnection(url);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA synchronous=" + synchronous);
        }
        insertChunk = connection.prepareStatement(
                "INSERT INTO job_logs (job_id, chunk_seq, stream, data, timestamp) VALUES (?, ?, ?, ?, ?)");
        insertLine = connection.prepareStatement(
                "INSERT INTO job_log_lines (job_id, line_no, stream, line, timestamp) VALUES (?, ?, ?, ?, ?)");
    }

    @TearDown(Level.Trial)
    public void dropDatabase() throws SQLException {
        connection.close();
        BenchDirs.deleteTree(dir);
    }

    /** One job per thread: its id, seq and line counters, and its slice of the corpus. */
    @State(Scope.Thread)
    public static class Job {
        SqliteAppendBaselineBench bench;
        ChunkFeed feed;
        String jobId;
        long seq;
        long line;

        @Setup(Level.Trial)
        public void start(SqliteAppendBaselineBench bench) {
            this.bench = bench;
            int n = bench.jobNumbers.getAndIncrement();
            feed = bench.corpus.feedForJob(bench.chunkBytes, n);
            jobId = "job-" + n;
        }

        void append() throws SQLException {
            byte[] data = feed.next();
            long now = System.currentTimeMillis();
            bench.writeLock.lock();
            try {
                if (bench.layout.equals("chunk")) {
                    bench.insertChunk(jobId, seq++, data, now);
                } else {
                    line = bench.insertLines(jobId, line, data, now);
                }
            } finally {
                bench.writeLock.unlock();
            }
        }
    }

    private void insertChunk(String jobId, long seq, byte[] data, long now) throws SQLException {
        insertChunk.setString(1, jobId);
        insertChunk.setLong(2, seq);
        insertChunk.setString(3, "stdout");
        insertChunk.setString(4, new String(data, StandardCharsets.UTF_8));
        insertChunk.setLong(5, now);
        insertChunk.executeUpdate();
    }

    /** Inserts the chunk's lines in one transaction; returns the next line number. */
    private long insertLines(String jobId, long firstLine, byte[] data, long now) throws SQLException {
        long line = firstLine;
        connection.setAutoCommit(false);
        try {
            int start = 0;
            for (int i = 0; i <= data.length; i++) {
                if (i == data.length ? start < i : data[i] == '\n') {
                    insertLine.setString(1, jobId);
                    insertLine.setLong(2, line++);
                    insertLine.setString(3, "stdout");
                    insertLine.setString(4, new String(data, start, i - start, StandardCharsets.UTF_8));
                    insertLine.setLong(5, now);
                    insertLine.executeUpdate();
                    start = i + 1;
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        return line;
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
