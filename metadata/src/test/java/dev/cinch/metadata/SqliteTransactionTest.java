package dev.cinch.metadata;

import dev.cinch.sql.BusyRetry;
import dev.cinch.sql.Database;

import dev.cinch.logs.JobId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transactions stay atomic when SQLite answers busy: at {@code BEGIN IMMEDIATE}, at {@code COMMIT}, and under real
 * contention between pools. Locks are held by a second, raw connection to the same file, as another process would.
 */
class SqliteTransactionTest {
    @TempDir
    Path dir;

    private Metadata open(Database.SqliteOptions options) {
        Metadata md = Metadata.of(Database.sqlite(dir.resolve("cinch.db").toString(), options, SqlErrors.METADATA),
                EncryptionKeys.none(), 4, Clock.systemUTC());
        md.migrate();
        return md;
    }

    /** No waiting in SQLite, and retries only within {@code budget}. */
    private static Database.SqliteOptions impatient(int poolSize, Duration budget) {
        return Database.SqliteOptions.defaults(poolSize, Duration.ZERO).withBusyRetry(BusyRetry.within(budget));
    }

    private Connection rawConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cinch.db"));
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static NewJob job(Repo repo, String id) {
        return NewJob.of(repo.id(), "c", "main", "x").withId(JobId.of(id));
    }

    /**
     * A transaction that writes a job row and then fails in the database (the same row again): the first write must
     * be rolled back with it.
     */
    private static void createJobTwiceInOneTransaction(Metadata md, Repo repo, String id) {
        ((JdbcMetadataStore) md.store()).database().inTransaction("create job " + id + " twice", c -> {
            for (int i = 0; i < 2; i++) {
                try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (id, repo_id, commit_sha, branch,"
                        + " command, created_at) VALUES (?, ?, 'c', 'main', 'x', 0)")) {
                    ps.setString(1, id);
                    ps.setString(2, repo.id());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Test
    void aBusyBeginLeavesThePooledConnectionAtomicForTheNextTransaction() throws Exception {
        // One connection in the pool: the transaction after the busy one runs on the very same connection.
        try (Metadata md = open(impatient(1, Duration.ofMillis(100))); Connection other = rawConnection()) {
            Repo repo = md.store().createRepo(new NewRepo("github", "o", "n", "u", "h", false, null, null));
            exec(other, "BEGIN IMMEDIATE");
            assertThatThrownBy(() -> md.store().createJob(job(repo, "j_while_locked")))
                    .isInstanceOf(DatabaseBusyException.class)
                    .hasMessageContaining("create job j_while_locked").hasMessageContaining("BEGIN IMMEDIATE")
                    .hasMessageContaining(Database.BUSY_RETRY_BUDGET_KEY);
            exec(other, "ROLLBACK");

            // The case from the issue: a failure after one busy BEGIN must still roll the job row back.
            assertThatThrownBy(() -> createJobTwiceInOneTransaction(md, repo, "j_dup"))
                    .isInstanceOf(DuplicateException.class);
            assertThat(md.store().findJob(JobId.of("j_dup"))).isEmpty();
            assertThat(md.store().findJob(JobId.of("j_while_locked"))).isEmpty();
            assertThat(md.store().createJob(job(repo, "j_after")).id().value()).isEqualTo("j_after");
        }
    }

    @Test
    void aBusyBeginIsRetriedUntilTheLockIsFree() throws Exception {
        try (Metadata md = open(impatient(1, Duration.ofSeconds(20))); Connection other = rawConnection()) {
            Repo repo = md.store().createRepo(new NewRepo("github", "o", "n", "u", "h", false, null, null));
            exec(other, "BEGIN IMMEDIATE");
            ExecutorService releaser = Executors.newSingleThreadExecutor();
            try {
                Future<?> release = releaser.submit(() -> {
                    TimeUnit.MILLISECONDS.sleep(400);
                    exec(other, "ROLLBACK");
                    return null;
                });
                long start = System.nanoTime();
                // busy_timeout is 0: SQLite refuses at once, so only the retries can make this succeed.
                Job created = md.store().createJob(job(repo, "j_waited"));
                assertThat(created.id().value()).isEqualTo("j_waited");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
                release.get(10, TimeUnit.SECONDS);
            } finally {
                releaser.shutdownNow();
            }
        }
    }

    @Test
    void aBusyCommitIsRetriedAndOnlyAFailedOneIsReportedAsFailed() throws Exception {
        // Outside WAL mode COMMIT needs the exclusive lock, which a reader's shared lock blocks.
        Database.SqliteOptions options = impatient(1, Duration.ofMillis(300)).withJournalMode("DELETE");
        try (Metadata md = open(options); Connection reader = rawConnection()) {
            Repo repo = md.store().createRepo(new NewRepo("github", "o", "n", "u", "h", false, null, null));

            // The reader outlives the retry budget: the commit fails, is rolled back and is reported as failed.
            exec(reader, "BEGIN");
            assertThat(count(reader, "SELECT count(*) FROM jobs")).isZero();
            assertThatThrownBy(() -> md.store().createJob(job(repo, "j_commit_refused")))
                    .isInstanceOf(DatabaseBusyException.class).hasMessageContaining("COMMIT");
            exec(reader, "COMMIT");
            assertThat(md.store().findJob(JobId.of("j_commit_refused"))).isEmpty();
            assertThat(count(reader, "SELECT count(*) FROM jobs")).isZero();

            // The reader finishes within the budget: the retried COMMIT succeeds and is reported as success.
            exec(reader, "BEGIN");
            assertThat(count(reader, "SELECT count(*) FROM jobs")).isZero();
            ExecutorService releaser = Executors.newSingleThreadExecutor();
            try {
                Future<?> release = releaser.submit(() -> {
                    TimeUnit.MILLISECONDS.sleep(100);
                    exec(reader, "COMMIT");
                    return null;
                });
                assertThat(md.store().createJob(job(repo, "j_commit_retried")).id().value()).isEqualTo("j_commit_retried");
                release.get(10, TimeUnit.SECONDS);
            } finally {
                releaser.shutdownNow();
            }
            assertThat(count(reader, "SELECT count(*) FROM jobs WHERE id = 'j_commit_retried'")).isEqualTo(1);

            // The same connection is still atomic.
            assertThatThrownBy(() -> createJobTwiceInOneTransaction(md, repo, "j_dup"))
                    .isInstanceOf(DuplicateException.class);
            assertThat(md.store().findJob(JobId.of("j_dup"))).isEmpty();
        }
    }

    @Test
    void aCommitRefusedByADeferredConstraintRollsBackAndTheConnectionStaysAtomic() throws Exception {
        try (Metadata md = open(impatient(1, Duration.ofMillis(100)))) {
            Database db = ((JdbcMetadataStore) md.store()).database();
            Repo repo = md.store().createRepo(new NewRepo("github", "o", "n", "u", "h", false, null, null));
            // The foreign key is checked only at COMMIT, which therefore fails with the transaction still open.
            assertThatThrownBy(() -> db.inTransaction("insert an orphan job", c -> {
                exec(c, "PRAGMA defer_foreign_keys = ON");
                exec(c, "INSERT INTO jobs (id, repo_id, commit_sha, branch, command, created_at) "
                        + "VALUES ('j_orphan', 'r_missing', 'c', 'main', 'x', 0)");
                return null;
            })).isInstanceOf(InvalidInputException.class).hasMessageContaining("insert an orphan job");
            assertThat(md.store().findJob(JobId.of("j_orphan"))).isEmpty();
            assertThatThrownBy(() -> createJobTwiceInOneTransaction(md, repo, "j_dup"))
                    .isInstanceOf(DuplicateException.class);
            assertThat(md.store().findJob(JobId.of("j_dup"))).isEmpty();
        }
    }

    @Test
    void underContentionEveryReportedSuccessCommittedAndEveryReportedFailureDidNot() throws Exception {
        int threads = 8;
        int perThread = 60;
        // Two pools (two "processes"), no SQLite busy wait and no retry: many writes fail with busy, on purpose.
        try (Metadata a = open(impatient(4, Duration.ZERO)); Metadata b = open(impatient(4, Duration.ZERO))) {
            Repo repo = a.store().createRepo(new NewRepo("github", "o", "n", "u", "h", false, null, null));
            Map<String, Boolean> reported = new ConcurrentHashMap<>();
            List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CyclicBarrier start = new CyclicBarrier(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    MetadataStore s = (t % 2 == 0 ? a : b).store();
                    int thread = t;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            String id = "j_" + thread + "_" + i;
                            try {
                                s.createJob(job(repo, id));
                                reported.put(id, true);
                            } catch (DatabaseBusyException e) {
                                reported.put(id, false);
                            } catch (RuntimeException e) {
                                unexpected.add(e);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(unexpected).isEmpty();
            assertThat(reported).hasSize(threads * perThread);
            long failures = reported.values().stream().filter(ok -> !ok).count();
            assertThat(failures).as("busy failures provoked").isPositive();
            for (Map.Entry<String, Boolean> e : reported.entrySet()) {
                assertThat(a.store().findJob(JobId.of(e.getKey())).isPresent())
                        .as("job %s was reported as %s", e.getKey(), e.getValue() ? "created" : "failed")
                        .isEqualTo(e.getValue());
            }
        }
    }
}
