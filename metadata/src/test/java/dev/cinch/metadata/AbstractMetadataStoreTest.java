package dev.cinch.metadata;

import dev.cinch.sql.SchemaStatus;
import dev.cinch.sql.MigrationResult;
import dev.cinch.sql.Migration;
import dev.cinch.sql.SqlWork;
import dev.cinch.sql.Dialect;
import dev.cinch.sql.Database;

import dev.cinch.logs.JobId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The metadata store's behaviour, run on every database: each subclass opens a fresh, empty database per test.
 * Everything here goes through the public API, plus plain SQL to look at what was really stored.
 */
abstract class AbstractMetadataStoreTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final int TEST_BCRYPT_COST = 4;
    /** Strings with every SQL metacharacter we could think of; they must only ever be data. */
    static final List<String> NASTY = List.of("' OR '1'='1", "x'; DROP TABLE jobs; --", "\" OR 1=1 --", "%", "_",
            "\\", "a;b", "$1", "?", "/* c */", "ü ✓ 😀");

    protected MutableClock clock;
    protected String keyBase64;
    protected Metadata md;
    protected MetadataStore store;

    /** A fresh, empty database for one test. */
    protected abstract Database openDatabase();

    /** A second pool on the same database (for races); empty where that is impossible (in-memory SQLite). */
    protected abstract Optional<Database> openSecondPool();

    /** Releases what {@link #openDatabase()} created beyond the pool (files, schemas). */
    protected void dropDatabase() {
    }

    protected abstract Dialect dialect();

    static String newKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    @BeforeEach
    void openStore() {
        clock = new MutableClock(T0);
        keyBase64 = newKey();
        md = Metadata.of(openDatabase(), EncryptionKeys.of(keyBase64, List.of()), TEST_BCRYPT_COST, clock);
        assertThat(md.migrate().currentVersion()).isEqualTo(latestVersion());
        store = md.store();
    }

    /** The newest schema version this build knows. */
    int latestVersion() {
        return Migrator.load(dialect()).size();
    }

    List<Integer> allVersions() {
        return Migrator.load(dialect()).stream().map(Migration::version).toList();
    }

    @AfterEach
    void closeStore() {
        if (md != null) {
            md.close();
        }
        dropDatabase();
    }

    /**
     * The same database seen with other encryption keys, as after a restart with other env vars. It shares the
     * suite's pool (which works for in-memory SQLite too), so it is deliberately not closed: {@link #closeStore()}
     * closes the pool.
     */
    MetadataStore withKeys(EncryptionKeys keys) {
        return new JdbcMetadataStore(((JdbcMetadataStore) store).database(), keys, TEST_BCRYPT_COST, clock);
    }

    <T> T sql(SqlWork<T> work) {
        try (Connection c = rawConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** A connection of the test's own pool, for looking at stored rows. */
    Connection rawConnection() throws SQLException {
        return ((JdbcMetadataStore) store).database().connection();
    }

    long count(String table) {
        return sql(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    Repo repo(String name) {
        return store.createRepo(new NewRepo("github", "octo", name, "https://github.com/octo/" + name + ".git",
                "https://github.com/octo/" + name, false, null, null));
    }

    // ------------------------------------------------------------------ schema and migrations

    @Test
    void migrationCreatesEveryTableAndIndexOfTheSeed() {
        Set<String> tables = new HashSet<>();
        Set<String> indexes = new HashSet<>();
        sql(c -> {
            String tq = dialect() == Dialect.POSTGRES
                    ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                    : "SELECT name FROM sqlite_master WHERE type = 'table'";
            String iq = dialect() == Dialect.POSTGRES
                    ? "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                    : "SELECT name FROM sqlite_master WHERE type = 'index'";
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery(tq)) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                try (ResultSet rs = s.executeQuery(iq)) {
                    while (rs.next()) {
                        indexes.add(rs.getString(1));
                    }
                }
            }
            return null;
        });
        assertThat(tables).contains("workers", "repos", "jobs", "tokens", "forge_credentials", "job_secrets",
                Migrator.VERSION_TABLE);
        // Log chunks belong to the log store (backend-db owns its tables): the seed's job_logs is dropped.
        assertThat(tables).doesNotContain("job_logs");
        assertThat(indexes).contains("idx_workers_status", "idx_workers_last_seen", "idx_jobs_commit",
                "idx_tokens_type", "idx_forge_creds", "idx_jobs_created_id", "idx_jobs_repo_created",
                "idx_jobs_repo_branch_created", "idx_jobs_status_created", "idx_jobs_repo_pr", "idx_jobs_finished",
                "idx_job_secrets_job");
        // Exact prefixes of other indexes (or of a UNIQUE constraint's index), dropped by migration 002.
        assertThat(indexes).doesNotContain("idx_repos_forge", "idx_jobs_repo", "idx_jobs_status", "idx_jobs_created",
                "idx_jobs_repo_branch", "idx_job_logs_job");
    }

    @Test
    void migrateIsIdempotentAndStatusReportsVersions() {
        assertThat(md.migrate()).isEqualTo(new MigrationResult(List.of(), latestVersion()));
        SchemaStatus status = md.status();
        assertThat(status.dialect()).isEqualTo(dialect());
        assertThat(status.currentVersion()).isEqualTo(latestVersion());
        assertThat(status.latestVersion()).isEqualTo(latestVersion());
        assertThat(status.pending()).isEmpty();
        assertThat(status.upToDate()).isTrue();
        String checksum = sql(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT checksum FROM schema_migrations WHERE version = 1")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(checksum).isEqualTo(Migrator.load(dialect()).get(0).checksum()).hasSize(64);
    }

    @Test
    void anEditedAppliedMigrationIsAnError() {
        List<Migration> migrations = new ArrayList<>(Migrator.load(dialect()));
        Migration real = migrations.get(0);
        migrations.set(0, new Migration(1, real.name(), Migrator.sha256("edited"), real.statements()));
        Migrator migrator = new Migrator(((JdbcMetadataStore) store).database(), migrations);
        assertThatThrownBy(migrator::migrate).isInstanceOf(MigrationException.class)
                .hasMessageContaining("001_initial.sql").hasMessageContaining("must never be edited");
    }

    @Test
    void aDatabaseNewerThanTheCodeIsRefused() {
        int future = latestVersion() + 1;
        sql(c -> {
            try (PreparedStatement ps = c.prepareStatement(dialect() == Dialect.POSTGRES
                    ? "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, 'future.sql', 'x')"
                    : "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, 'future.sql', 'x', 0)")) {
                ps.setInt(1, future);
                return ps.executeUpdate();
            }
        });
        assertThat(md.status().databaseIsNewer()).isTrue();
        assertThatThrownBy(md::migrate).isInstanceOf(MigrationException.class)
                .hasMessageContaining("schema version " + future).hasMessageContaining("up to " + latestVersion())
                .hasMessageContaining("newer Cinch");
    }

    @Test
    void aFailingMigrationIsRolledBackAndNotRecorded() {
        List<Migration> migrations = new ArrayList<>(Migrator.load(dialect()));
        int broken = latestVersion() + 1;
        migrations.add(new Migration(broken, "999_broken.sql", Migrator.sha256("broken"),
                List.of("CREATE TABLE half_done (id TEXT PRIMARY KEY)", "THIS IS NOT SQL")));
        Migrator migrator = new Migrator(((JdbcMetadataStore) store).database(), migrations);
        assertThatThrownBy(migrator::migrate).isInstanceOf(MigrationException.class)
                .hasMessageContaining("999_broken.sql").hasMessageContaining("rolled back");
        assertThat(migrator.status().currentVersion()).isEqualTo(latestVersion());
        assertThat(migrator.status().pending()).containsExactly(broken);
        boolean exists = sql(c -> {
            try (ResultSet rs = c.getMetaData().getTables(null, null, "half_done", null)) {
                return rs.next();
            }
        });
        assertThat(exists).isFalse();
    }

    @Test
    void twoPoolsRacingToMigrateAFreshDatabaseMigrateOnce() throws Exception {
        Optional<Database> probe = openSecondPool();
        if (probe.isEmpty()) {
            return; // in-memory SQLite: one connection is the whole database; there is nothing to race.
        }
        probe.get().close();
        // The suite's database is already migrated: race on a brand-new one.
        dropAllTables();
        try (Database a = openSecondPool().orElseThrow(); Database b = openSecondPool().orElseThrow()) {
            for (int round = 0; round < 3; round++) {
                if (round > 0) {
                    dropAllTables();
                }
                CyclicBarrier barrier = new CyclicBarrier(2);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Callable<MigrationResult> ra = () -> {
                        barrier.await();
                        return new Migrator(a).migrate();
                    };
                    Callable<MigrationResult> rb = () -> {
                        barrier.await();
                        return new Migrator(b).migrate();
                    };
                    Future<MigrationResult> fa = pool.submit(ra);
                    Future<MigrationResult> fb = pool.submit(rb);
                    MigrationResult x = fa.get(60, TimeUnit.SECONDS);
                    MigrationResult y = fb.get(60, TimeUnit.SECONDS);
                    // Each migration is its own transaction, so the racers may share the work; none is applied twice.
                    List<Integer> both = new ArrayList<>(x.applied());
                    both.addAll(y.applied());
                    assertThat(both).containsExactlyInAnyOrderElementsOf(allVersions());
                    assertThat(x.currentVersion()).isEqualTo(latestVersion());
                    assertThat(y.currentVersion()).isEqualTo(latestVersion());
                } finally {
                    pool.shutdownNow();
                }
                assertThat(count(Migrator.VERSION_TABLE)).isEqualTo(latestVersion());
            }
        }
    }

    private void dropAllTables() {
        sql(c -> {
            try (Statement s = c.createStatement()) {
                for (String t : List.of("retention_batch_jobs", "retention_batches", "job_logs", "job_secrets", "jobs", "tokens",
                        "forge_credentials", "repos", "workers", Migrator.VERSION_TABLE)) {
                    s.execute("DROP TABLE IF EXISTS " + t);
                }
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ jobs

    @Test
    void jobLifeCycleSetsTimesAndRejectsInvalidTransitions() {
        Repo r = repo("app");
        Worker w = store.createWorker(new NewWorker("box", List.of("linux"))).worker();
        Job job = store.createJob(NewJob.of(r.id(), "abc123", "main", "make test").withEnv(Map.of("A", "1")));
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.createdAt()).isEqualTo(T0);
        assertThat(job.timeoutSec()).isEqualTo(1800);
        assertThat(job.env()).isEqualTo(Map.of("A", "1"));
        assertThat(store.getJob(job.id())).isEqualTo(job);

        clock.advance(Duration.ofSeconds(10));
        Job running = store.updateJobStatus(job.id(), JobStatusUpdate.running(w.id()));
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(running.startedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(running.workerId()).isEqualTo(w.id());

        assertThatThrownBy(() -> store.updateJobStatus(job.id(), JobStatusUpdate.of(JobStatus.PENDING, null)))
                .isInstanceOf(InvalidTransitionException.class)
                .hasMessageContaining(job.id().value()).hasMessageContaining("running").hasMessageContaining("pending");

        clock.advance(Duration.ofSeconds(5));
        Job done = store.updateJobStatus(job.id(), JobStatusUpdate.finished(JobStatus.FAILURE, 2, "tests failed"));
        assertThat(done.status()).isEqualTo(JobStatus.FAILURE);
        assertThat(done.exitCode()).isEqualTo(2);
        assertThat(done.errorMsg()).isEqualTo("tests failed");
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(15));

        InvalidTransitionException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidTransitionException.class,
                () -> store.updateJobStatus(job.id(), JobStatusUpdate.of(JobStatus.SUCCESS, 0)));
        assertThat(e.from()).isEqualTo(JobStatus.FAILURE);
        assertThat(e.to()).isEqualTo(JobStatus.SUCCESS);
        assertThat(store.getJob(job.id())).isEqualTo(done);
    }

    @Test
    void everyTransitionOfTheMatrixIsEnforcedByTheStore() {
        Repo r = repo("matrix");
        for (JobStatus from : JobStatus.values()) {
            for (JobStatus to : JobStatus.values()) {
                Job job = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
                driveTo(job.id(), from);
                if (from.canMoveTo(to)) {
                    assertThat(store.updateJobStatus(job.id(), JobStatusUpdate.of(to, null)).status()).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> store.updateJobStatus(job.id(), JobStatusUpdate.of(to, null)))
                            .isInstanceOf(InvalidTransitionException.class);
                    assertThat(store.getJob(job.id()).status()).isEqualTo(from);
                }
            }
        }
        assertThat(JobStatus.PENDING.canMoveTo(JobStatus.RUNNING)).isTrue();
        assertThat(JobStatus.PENDING.canMoveTo(JobStatus.CANCELLED)).isTrue();
        assertThat(JobStatus.PENDING.canMoveTo(JobStatus.SUCCESS)).isFalse();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.ERROR)).isTrue();
    }

    private void driveTo(JobId id, JobStatus target) {
        if (target == JobStatus.PENDING) {
            return;
        }
        if (target == JobStatus.CANCELLED) {
            store.updateJobStatus(id, JobStatusUpdate.of(JobStatus.CANCELLED, null));
            return;
        }
        store.updateJobStatus(id, JobStatusUpdate.running(null));
        if (target != JobStatus.RUNNING) {
            store.updateJobStatus(id, JobStatusUpdate.of(target, 0));
        }
    }

    @Test
    void racingFinishersCannotBothWin() throws Exception {
        Repo r = repo("race");
        Job job = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
        store.updateJobStatus(job.id(), JobStatusUpdate.running(null));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CyclicBarrier barrier = new CyclicBarrier(2);
        try {
            List<Future<JobStatus>> results = new ArrayList<>();
            for (JobStatus target : List.of(JobStatus.SUCCESS, JobStatus.CANCELLED)) {
                results.add(pool.submit(() -> {
                    barrier.await();
                    try {
                        return store.updateJobStatus(job.id(), JobStatusUpdate.of(target, 0)).status();
                    } catch (InvalidTransitionException e) {
                        return null;
                    }
                }));
            }
            List<JobStatus> winners = new ArrayList<>();
            for (Future<JobStatus> f : results) {
                JobStatus s = f.get(30, TimeUnit.SECONDS);
                if (s != null) {
                    winners.add(s);
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(store.getJob(job.id()).status()).isEqualTo(winners.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownJobsAndStatusesAreTypedErrors() {
        assertThat(store.findJob(JobId.of("nope"))).isEmpty();
        assertThatThrownBy(() -> store.getJob(JobId.of("nope"))).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("job nope");
        assertThatThrownBy(() -> store.updateJobStatus(JobId.of("nope"), JobStatusUpdate.running(null)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> JobStatus.parse("exploded")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("exploded").hasMessageContaining("pending");
        assertThatThrownBy(() -> store.createJob(NewJob.of("r_missing", "c", "main", "x")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not exist");
        assertThat(count("jobs")).isZero();
        // The database guards statuses too, for rows written around the store.
        Repo r = repo("guard");
        store.createJob(NewJob.of(r.id(), "c", "main", "x"));
        assertThatThrownBy(() -> sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 'exploded'")) {
                return ps.executeUpdate();
            }
        })).hasMessageContaining("status");
        assertThat(store.listJobs(JobFilter.all().status(JobStatus.PENDING), null, 10).items()).hasSize(1);
    }

    @Test
    void listJobsFiltersAndPagesByKeyWithoutGapsOrRepeats() {
        Repo a = repo("a");
        Repo b = repo("b");
        List<JobId> all = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            if (i % 3 == 0) {
                clock.advance(Duration.ofSeconds(1)); // several jobs share a second: ties are broken by id
            }
            NewJob nj = NewJob.of(i % 2 == 0 ? a.id() : b.id(), "sha" + (i % 5), i % 4 == 0 ? "dev" : "main", "x");
            if (i % 7 == 0) {
                nj = nj.withPullRequest(100 + i);
            }
            all.add(store.createJob(nj).id());
        }
        store.updateJobStatus(all.get(3), JobStatusUpdate.running(null));

        List<Job> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Job> page = store.listJobs(JobFilter.all(), cursor, 4);
            seen.addAll(page.items());
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(7);
        assertThat(seen).extracting(Job::id).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
        for (int i = 1; i < seen.size(); i++) {
            Job prev = seen.get(i - 1);
            Job cur = seen.get(i);
            assertThat(prev.createdAt().compareTo(cur.createdAt()) > 0
                    || (prev.createdAt().equals(cur.createdAt()) && prev.id().compareTo(cur.id()) > 0)).isTrue();
        }

        assertThat(store.listJobs(JobFilter.all().repo(a.id()), null, 100).items()).hasSize(13)
                .allMatch(j -> j.repoId().equals(a.id()));
        assertThat(store.listJobs(JobFilter.all().repo(a.id()).branch("dev"), null, 100).items())
                .allMatch(j -> j.branch().equals("dev") && j.repoId().equals(a.id())).hasSize(7);
        assertThat(store.listJobs(JobFilter.all().status(JobStatus.RUNNING), null, 100).items())
                .extracting(Job::id).containsExactly(all.get(3));
        assertThat(store.listJobs(JobFilter.all().commit("sha1"), null, 100).items()).hasSize(5);
        assertThat(store.listJobs(JobFilter.all().pullRequests(true), null, 100).items()).hasSize(4);
        assertThat(store.listJobs(JobFilter.all().pullRequest(107), null, 100).items()).extracting(Job::id)
                .containsExactly(all.get(7));
        Instant mid = T0.plusSeconds(5);
        List<Job> after = store.listJobs(JobFilter.all().createdAfter(mid), null, 100).items();
        List<Job> before = store.listJobs(JobFilter.all().createdBefore(mid), null, 100).items();
        assertThat(after).allMatch(j -> !j.createdAt().isBefore(mid));
        assertThat(before).allMatch(j -> j.createdAt().isBefore(mid));
        assertThat(after.size() + before.size()).isEqualTo(25);

        assertThatThrownBy(() -> store.listJobs(JobFilter.all(), "garbage", 10)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cursor");
        assertThatThrownBy(() -> store.listJobs(JobFilter.all(), null, 0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void theCommonJobFiltersAreServedByAnIndex() {
        List<Repo> repos = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            repos.add(repo("plan" + i));
        }
        Columns cols = ((JdbcMetadataStore) store).columns();
        sql(c -> {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (id, repo_id, commit_sha, branch, is_pr, "
                    + "pr_number, command, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'x', ?, ?)")) {
                for (int i = 0; i < 3000; i++) {
                    ps.setString(1, String.format("j_plan_%05d", i));
                    ps.setString(2, repos.get(i % 30).id());
                    ps.setString(3, "sha" + i);
                    ps.setString(4, "branch" + (i % 20));
                    cols.setBoolean(ps, 5, i % 10 == 0);
                    cols.setNullableInt(ps, 6, i % 10 == 0 ? i : null);
                    ps.setString(7, JobStatus.values()[i % 6].wireName());
                    cols.setInstant(ps, 8, T0.plusSeconds(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute(dialect() == Dialect.POSTGRES ? "ANALYZE" : "ANALYZE");
            }
            return null;
        });
        String repoId = repos.get(3).id();
        String cursor = store.listJobs(JobFilter.all().repo(repoId), null, 5).nextCursor();
        Map<String, JobQuery> ordered = new java.util.LinkedHashMap<>();
        ordered.put("no filter", JobQuery.build(JobFilter.all(), null, 50));
        ordered.put("repo", JobQuery.build(JobFilter.all().repo(repoId), null, 50));
        ordered.put("repo, next page", JobQuery.build(JobFilter.all().repo(repoId), cursor, 50));
        ordered.put("repo and branch", JobQuery.build(JobFilter.all().repo(repoId).branch("branch3"), null, 50));
        ordered.put("status", JobQuery.build(JobFilter.all().status(JobStatus.RUNNING), null, 50));
        ordered.put("created range", JobQuery.build(JobFilter.all().createdAfter(T0.plusSeconds(100))
                .createdBefore(T0.plusSeconds(200)), null, 50));
        Map<String, JobQuery> selective = new java.util.LinkedHashMap<>();
        selective.put("commit", JobQuery.build(JobFilter.all().commit("sha42"), null, 50));
        selective.put("repo and PR", JobQuery.build(JobFilter.all().repo(repoId).pullRequest(1230), null, 50));
        selective.put("repo and status", JobQuery.build(JobFilter.all().repo(repoId).status(JobStatus.SUCCESS), null, 50));
        for (Map.Entry<String, JobQuery> e : ordered.entrySet()) {
            String plan = plan(e.getValue());
            assertThat(plan).as("plan for %s", e.getKey()).containsIgnoringCase("index").doesNotContain("Seq Scan")
                    .doesNotMatch("(?s).*SCAN jobs\s*(\n.*)?$");
            if (dialect() == Dialect.SQLITE) {
                // SQLite's planner is deterministic: these filters must read the index in page order, no sort.
                // Postgres picks by cost and may sort ~100 matching rows fetched through an index; that is fine.
                assertThat(plan).as("plan for %s", e.getKey()).doesNotContain("TEMP B-TREE");
            }
        }
        for (Map.Entry<String, JobQuery> e : selective.entrySet()) {
            String plan = plan(e.getValue());
            assertThat(plan).as("plan for %s", e.getKey()).containsIgnoringCase("index").doesNotContain("Seq Scan")
                    .doesNotMatch("(?s).*SCAN jobs\s*(\n.*)?$");
        }
    }

    private String plan(JobQuery q) {
        JdbcMetadataStore jdbc = (JdbcMetadataStore) store;
        JobQuery explain = q.withSql((dialect() == Dialect.POSTGRES ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + q.sql);
        return sql(c -> {
            StringBuilder sb = new StringBuilder();
            try (PreparedStatement ps = jdbc.prepare(c, explain); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sb.append(rs.getString(dialect() == Dialect.POSTGRES ? 1 : 4)).append('\n');
                }
            }
            return sb.toString();
        });
    }

    @Test
    void sqlMetacharactersInEveryFilterFieldAreOnlyData() {
        Repo r = repo("meta");
        for (String nasty : NASTY) {
            // Stored and found again as exact values ...
            Job j = store.createJob(NewJob.of(r.id(), nasty, nasty, nasty).withTrigger(nasty, nasty));
            assertThat(store.listJobs(JobFilter.all().branch(nasty).commit(nasty), null, 10).items())
                    .extracting(Job::id).containsExactly(j.id());
            // ... and never interpreted: every field alone finds nothing else.
            assertThat(store.listJobs(JobFilter.all().repo(nasty), null, 10).items()).isEmpty();
            assertThat(store.getRepoByName(nasty, nasty, nasty)).isEmpty();
            assertThat(store.listWorkersWithLabel(nasty)).isEmpty();
            assertThat(store.findWorker(nasty)).isEmpty();
            assertThat(store.listForgeCredentials(nasty, nasty)).isEmpty();
        }
        assertThat(count("jobs")).isEqualTo(NASTY.size());
        assertThat(count("repos")).isEqualTo(1);
    }

    @Test
    void nulInAnyTextFieldIsRefusedAndNothingIsWritten() {
        Repo r = repo("nul");
        String nul = "bad\0value";
        List<Runnable> writes = List.of(
                () -> store.createJob(NewJob.of(r.id(), nul, "main", "x")),
                () -> store.createJob(NewJob.of(r.id(), "c", nul, "x")),
                () -> store.createJob(NewJob.of(r.id(), "c", "main", nul)),
                () -> store.createJob(NewJob.of(r.id(), "c", "main", "x").withEnv(Map.of("K", nul))),
                () -> store.createJob(NewJob.of(r.id(), "c", "main", "x").withTrigger("manual", nul)),
                () -> store.createWorker(new NewWorker(nul, List.of())),
                () -> store.createWorker(new NewWorker("w", List.of(nul))),
                () -> store.createRepo(new NewRepo("github", nul, "n", "u", "h", false, null, null)),
                () -> store.createRepo(new NewRepo("github", "o", "n2", "u", "h", false, Secret.of(nul), null)),
                () -> store.createToken(new NewToken(nul, TokenType.ADMIN, null, List.of(), null)),
                () -> store.createToken(new NewToken("t", TokenType.ADMIN, null, List.of(nul), null)),
                () -> store.createForgeCredential(new NewForgeCredential("github", ForgeCredentialType.PAT, null, null,
                        Secret.of(nul), null, null, null)),
                () -> store.listJobs(JobFilter.all().branch(nul), null, 10));
        for (Runnable w : writes) {
            assertThatThrownBy(w::run).isInstanceOf(InvalidInputException.class).hasMessageContaining("NUL");
        }
        assertThat(count("jobs") + count("workers") + count("tokens") + count("forge_credentials")).isZero();
        assertThat(count("repos")).isEqualTo(1);
    }

    @Test
    void ensureJobRegistersACliJobOnceUnderThePlaceholderRepo() throws Exception {
        JobId id = JobId.of("cli-build-42");
        EnsuredJob first = md.ensureJob(id, "make");
        assertThat(first.created()).isTrue();
        assertThat(first.job().status()).isEqualTo(JobStatus.PENDING);
        Repo local = store.getRepo(first.job().repoId());
        assertThat(List.of(local.forgeType(), local.owner(), local.name())).containsExactly("local", "local", "cli");
        EnsuredJob again = md.ensureJob(id, "other");
        assertThat(again.created()).isFalse();
        assertThat(again.job()).isEqualTo(first.job());

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<EnsuredJob>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(pool.submit(() -> md.ensureJob(JobId.of("cli-race"), "x")));
            }
            int created = 0;
            for (Future<EnsuredJob> f : fs) {
                created += f.get(30, TimeUnit.SECONDS).created() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("repos")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ workers

    @Test
    void workersCarryJsonLabelsAndAreFoundByLabel() {
        CreatedWorker a = store.createWorker(new NewWorker("alpha", List.of("linux", "amd64")));
        CreatedWorker b = store.createWorker(new NewWorker("beta", List.of("linux", "arm64", "it's \"quoted\"")));
        store.createWorker(new NewWorker("gamma", List.of()));
        assertThat(a.worker().labels()).containsExactly("linux", "amd64");
        assertThat(a.worker().status()).isEqualTo(WorkerStatus.OFFLINE);
        assertThat(store.listWorkers()).extracting(Worker::name).containsExactly("alpha", "beta", "gamma");
        assertThat(store.listWorkersWithLabel("linux")).extracting(Worker::name).containsExactly("alpha", "beta");
        assertThat(store.listWorkersWithLabel("arm64")).extracting(Worker::name).containsExactly("beta");
        assertThat(store.listWorkersWithLabel("it's \"quoted\"")).extracting(Worker::name).containsExactly("beta");
        assertThat(store.listWorkersWithLabel("lin")).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        Worker online = store.updateWorkerStatus(a.worker().id(), WorkerStatus.ONLINE);
        assertThat(online.status()).isEqualTo(WorkerStatus.ONLINE);
        assertThat(online.lastSeen()).isEqualTo(T0.plusSeconds(60));
        assertThat(store.getWorker(a.worker().id())).isEqualTo(online);
        assertThatThrownBy(() -> store.updateWorkerStatus("w_missing", WorkerStatus.BUSY)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> WorkerStatus.parse("asleep")).isInstanceOf(InvalidInputException.class);

        // The worker's token authenticates it, and the raw token never shows up in toString.
        TokenValidation v = store.validateToken(b.token());
        assertThat(v.isValid()).isTrue();
        assertThat(v.token().type()).isEqualTo(TokenType.WORKER);
        assertThat(v.token().workerId()).isEqualTo(b.worker().id());
        assertThat(b.toString()).doesNotContain(b.token());
    }

    @Test
    void labelsThatAreNotAJsonArrayOfStringsAreRefused() {
        assertThat(Labels.parseJson("labels", "[\"linux\", \"amd64\"]")).containsExactly("linux", "amd64");
        for (String bad : List.of("{\"a\":1}", "\"linux\"", "42", "[1, 2]", "[[\"x\"]]", "not json", "", "null")) {
            assertThatThrownBy(() -> Labels.parseJson("labels", bad)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("labels");
        }
        // The database refuses a non-array even from a write that bypasses the store.
        assertThatThrownBy(() -> sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workers (id, name, labels, created_at, "
                    + "updated_at) VALUES ('w_x', 'x', " + (dialect() == Dialect.POSTGRES ? "CAST(? AS jsonb)" : "?")
                    + ", " + (dialect() == Dialect.POSTGRES ? "now(), now()" : "0, 0") + ")")) {
                ps.setString(1, "{\"linux\": true}");
                return ps.executeUpdate();
            }
        })).hasMessageContaining("labels");
        assertThat(count("workers")).isZero();
    }

    // ------------------------------------------------------------------ repos and credentials

    @Test
    void reposAreUniquePerForgeOwnerAndNameAndKeepTheirSecretsEncrypted() {
        Repo r = store.createRepo(new NewRepo("github", "octo", "app", "https://x/app.git", "https://x/app", true,
                Secret.of("whsec-123"), Secret.of("ghp_token")));
        assertThat(r.isPrivate()).isTrue();
        assertThat(r.webhookSecret().reveal()).isEqualTo("whsec-123");
        assertThat(r.forgeToken().reveal()).isEqualTo("ghp_token");
        assertThat(r.toString()).doesNotContain("whsec-123").doesNotContain("ghp_token");
        assertThat(store.getRepoByName("github", "octo", "app")).contains(r);
        assertThat(store.getRepoByName("gitlab", "octo", "app")).isEmpty();
        assertThatThrownBy(() -> store.createRepo(new NewRepo("github", "octo", "app", "u", "h", false, null, null)))
                .isInstanceOf(DuplicateException.class);
        assertThat(store.createRepo(new NewRepo("gitlab", "octo", "app", "u", "h", false, null, null)).id()).isNotEqualTo(r.id());

        Repo cleared = store.updateRepoSecrets(r.id(), Secret.of("whsec-456"), null);
        assertThat(cleared.webhookSecret().reveal()).isEqualTo("whsec-456");
        assertThat(cleared.forgeToken()).isNull();

        assertStoredWithoutPlaintext("repos", "webhook_secret", "whsec-456");
    }

    void assertStoredWithoutPlaintext(String table, String column, String plaintext) {
        byte[] stored = sql(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + column + " FROM " + table
                    + " WHERE " + column + " IS NOT NULL")) {
                rs.next();
                return dialect() == Dialect.POSTGRES ? rs.getBytes(1) : rs.getString(1).getBytes(StandardCharsets.UTF_8);
            }
        });
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(plaintext);
        if (dialect() == Dialect.POSTGRES) {
            assertThat(stored[0]).isEqualTo(SecretCipher.VERSION);
        } else {
            assertThat(new String(stored, StandardCharsets.UTF_8))
                    .startsWith("v2:" + EncryptionKeys.of(keyBase64, List.of()).currentKeyId().orElseThrow() + ":");
        }
    }

    @Test
    void forgeCredentialsCrud() {
        ForgeCredential app = store.createForgeCredential(new NewForgeCredential("github", ForgeCredentialType.APP, "12345",
                Secret.of("-----BEGIN PRIVATE KEY-----abc"), null, null, null, null));
        ForgeCredential pat = store.createForgeCredential(new NewForgeCredential("github", ForgeCredentialType.PAT, null,
                null, Secret.of("pat-secret"), Secret.of("refresh-secret"), T0.plusSeconds(3600), "octo"));
        assertThat(store.findForgeCredential(app.id())).contains(app);
        assertThat(app.privateKey().reveal()).startsWith("-----BEGIN");
        assertThat(pat.accessToken().reveal()).isEqualTo("pat-secret");
        assertThat(pat.expiresAt()).isEqualTo(T0.plusSeconds(3600));
        assertThat(pat.toString()).doesNotContain("pat-secret").doesNotContain("refresh-secret");
        assertThat(store.listForgeCredentials("github", null)).extracting(ForgeCredential::id)
                .containsExactlyInAnyOrder(app.id(), pat.id());
        assertThat(store.listForgeCredentials("github", "octo")).extracting(ForgeCredential::id).containsExactly(pat.id());

        ForgeCredential updated = store.updateForgeCredential(pat.id(), new NewForgeCredential("github",
                ForgeCredentialType.OAUTH, null, null, Secret.of("new-access"), null, null, "octo"));
        assertThat(updated.credType()).isEqualTo(ForgeCredentialType.OAUTH);
        assertThat(updated.accessToken().reveal()).isEqualTo("new-access");
        assertThat(updated.refreshToken()).isNull();
        assertStoredWithoutPlaintext("forge_credentials", "access_token", "new-access");

        assertThat(store.deleteForgeCredential(pat.id())).isTrue();
        assertThat(store.deleteForgeCredential(pat.id())).isFalse();
        assertThatThrownBy(() -> store.updateForgeCredential(pat.id(), new NewForgeCredential("github",
                ForgeCredentialType.PAT, null, null, null, null, null, null))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ForgeCredentialType.parse("magic")).isInstanceOf(InvalidInputException.class);
    }

    // ------------------------------------------------------------------ encryption

    @Test
    void withoutAKeySecretsAreNeitherWrittenNorReadAndNothingElseBreaks() {
        Repo withSecret = store.createRepo(new NewRepo("github", "o", "s", "u", "h", false, Secret.of("whsec"), null));
        {
            MetadataStore s = withKeys(EncryptionKeys.none());
            assertThatThrownBy(() -> s.createRepo(new NewRepo("github", "o", "n", "u", "h", false, Secret.of("whsec"), null)))
                    .isInstanceOf(EncryptionException.class).hasMessageContaining("CINCH_ENCRYPTION_KEY")
                    .hasMessageContaining("repos.webhook_secret").hasMessageNotContaining("whsec");
            assertThat(s.getRepoByName("github", "o", "n")).isEmpty();
            assertThatThrownBy(() -> s.getRepo(withSecret.id())).isInstanceOf(EncryptionException.class)
                    .hasMessageContaining("not configured").hasMessageContaining("no CINCH_ENCRYPTION_KEY");
            // Rows without secrets work without a key.
            Repo plain = s.createRepo(new NewRepo("github", "o", "plain", "u", "h", false, null, null));
            assertThat(s.getRepo(plain.id()).webhookSecret()).isNull();
            assertThatThrownBy(s::rotateKeys).isInstanceOf(EncryptionException.class);
        }
    }

    @Test
    void aWrongKeyIsAClearErrorAndRotationMovesEverythingToTheNewKey() {
        Repo r = store.createRepo(new NewRepo("github", "o", "rot", "u", "h", false, Secret.of("whsec-rot"),
                Secret.of("token-rot")));
        ForgeCredential fc = store.createForgeCredential(new NewForgeCredential("github", ForgeCredentialType.APP, "1",
                Secret.of("pk-rot"), Secret.of("at-rot"), Secret.of("rt-rot"), null, null));
        Job job = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
        store.addJobSecret(job.id(), NOT_UTF8_SECRET);
        String newKey = newKey();
        {
            MetadataStore wrong = withKeys(EncryptionKeys.of(newKey, List.of()));
            assertThatThrownBy(() -> wrong.getRepo(r.id())).isInstanceOf(EncryptionException.class)
                    .hasMessageContaining("CINCH_ENCRYPTION_OLD_KEYS").hasMessageContaining(r.id())
                    .hasMessageNotContaining("whsec-rot");
        }
        {
            MetadataStore rotating = withKeys(EncryptionKeys.of(newKey, List.of(keyBase64)));
            assertThat(rotating.getRepo(r.id()).webhookSecret().reveal()).isEqualTo("whsec-rot");
            KeyRotationReport report = rotating.rotateKeys();
            assertThat(report.valuesReencrypted()).isEqualTo(6);
            assertThat(report.keyId()).isEqualTo(EncryptionKeys.of(newKey, List.of()).currentKeyId().orElseThrow());
            assertThat(rotating.rotateKeys().valuesReencrypted()).isZero();
        }
        {
            MetadataStore onlyNew = withKeys(EncryptionKeys.of(newKey, List.of()));
            assertThat(onlyNew.getRepo(r.id()).forgeToken().reveal()).isEqualTo("token-rot");
            ForgeCredential back = onlyNew.findForgeCredential(fc.id()).orElseThrow();
            assertThat(List.of(back.privateKey().reveal(), back.accessToken().reveal(), back.refreshToken().reveal()))
                    .containsExactly("pk-rot", "at-rot", "rt-rot");
            // A job secret comes back byte for byte (it is not UTF-8), with the repo's token after it.
            assertThat(onlyNew.jobSecretsToMask(job.id())).containsExactly(NOT_UTF8_SECRET, "token-rot".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> store.getRepo(r.id())).isInstanceOf(EncryptionException.class);
        assertThatThrownBy(() -> store.jobSecretsToMask(job.id())).isInstanceOf(EncryptionException.class)
                .hasMessageContaining("job_secrets.value");
    }

    @Test
    void rotationWalksEveryPageOfRows() {
        int n = 205; // more than one rotation batch of 200
        for (int i = 0; i < n; i++) {
            store.createRepo(new NewRepo("github", "o", "many" + i, "u", "h", false, Secret.of("s" + i), null));
        }
        String newKey = newKey();
        KeyRotationReport report = withKeys(EncryptionKeys.of(newKey, List.of(keyBase64))).rotateKeys();
        assertThat(report.valuesReencrypted()).isEqualTo(n);
        MetadataStore onlyNew = withKeys(EncryptionKeys.of(newKey, List.of()));
        assertThat(onlyNew.getRepoByName("github", "o", "many204").orElseThrow().webhookSecret().reveal()).isEqualTo("s204");
        assertThat(onlyNew.getRepoByName("github", "o", "many0").orElseThrow().webhookSecret().reveal()).isEqualTo("s0");
    }

    @Test
    void aSecretMovedToAnotherRowDoesNotDecrypt() {
        Repo a = store.createRepo(new NewRepo("github", "o", "a", "u", "h", false, Secret.of("secret-a"), null));
        Repo b = store.createRepo(new NewRepo("github", "o", "b", "u", "h", false, Secret.of("secret-b"), null));
        sql(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE repos SET webhook_secret = (SELECT webhook_secret FROM repos WHERE id = ?) WHERE id = ?")) {
                ps.setString(1, a.id());
                ps.setString(2, b.id());
                return ps.executeUpdate();
            }
        });
        assertThatThrownBy(() -> store.getRepo(b.id())).isInstanceOf(EncryptionException.class)
                .hasMessageContaining("authentication failed");
    }

    /** The stored value of a column as the driver gives it (TEXT envelope on SQLite, BYTEA on Postgres). */
    Object rawValue(String table, String column, String id) {
        return sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getObject(1);
                }
            }
        });
    }

    /** Writes columns behind the store's back, as an attacker with write access to the database would. */
    void rawUpdate(String sql, Object... params) {
        sql(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    @Test
    void swappingTwoReposOwnerNameAndCloneUrlMakesNeitherTokenDecrypt() {
        Repo alice = store.createRepo(new NewRepo("github", "alice", "site", "https://github.com/alice/site.git",
                "https://github.com/alice/site", false, null, Secret.of("alice-public-token")));
        Repo bob = store.createRepo(new NewRepo("github", "bob", "secret", "https://github.com/bob/secret.git",
                "https://github.com/bob/secret", true, null, Secret.of("bob-private-token")));
        // Three steps around the unique (forge_type, owner, name).
        rawUpdate("UPDATE repos SET owner = 'tmp', name = 'tmp' WHERE id = ?", alice.id());
        rawUpdate("UPDATE repos SET owner = 'alice', name = 'site', clone_url = 'https://github.com/alice/site.git' WHERE id = ?", bob.id());
        rawUpdate("UPDATE repos SET owner = 'bob', name = 'secret', clone_url = 'https://github.com/bob/secret.git' WHERE id = ?", alice.id());
        assertThatThrownBy(() -> store.getRepoByName("github", "alice", "site"))
                .isInstanceOfSatisfying(SecretAuthenticationException.class, e -> {
                    assertThat(e.table()).isEqualTo("repos");
                    assertThat(e.column()).isEqualTo("forge_token");
                    assertThat(e.rowId()).isEqualTo(bob.id());
                })
                .hasMessageContaining("repos.forge_token of " + bob.id()).hasMessageNotContaining("bob-private-token");
        assertThatThrownBy(() -> store.getRepoByName("github", "bob", "secret")).isInstanceOf(SecretAuthenticationException.class);
        // Only the clone URL pointed elsewhere (where the token would be sent): refused too.
        Repo carol = store.createRepo(new NewRepo("github", "carol", "x", "https://github.com/carol/x.git", "h", true, null,
                Secret.of("carol-token")));
        rawUpdate("UPDATE repos SET clone_url = 'https://evil.example/carol/x.git' WHERE id = ?", carol.id());
        assertThatThrownBy(() -> store.getRepo(carol.id())).isInstanceOf(SecretAuthenticationException.class)
                .hasMessageContaining("clone_url");
    }

    @Test
    void changingACredentialsOwnerDoesNotHandItToTheNewOwner() {
        ForgeCredential alices = store.createForgeCredential(new NewForgeCredential("github", ForgeCredentialType.PAT, null,
                null, Secret.of("alice-pat"), null, null, "alice"));
        rawUpdate("UPDATE forge_credentials SET owner = 'mallory' WHERE id = ?", alices.id());
        assertThatThrownBy(() -> store.listForgeCredentials("github", "mallory"))
                .isInstanceOfSatisfying(SecretAuthenticationException.class, e -> {
                    assertThat(e.table()).isEqualTo("forge_credentials");
                    assertThat(e.column()).isEqualTo("access_token");
                    assertThat(e.rowId()).isEqualTo(alices.id());
                })
                .hasMessageNotContaining("alice-pat");
    }

    /** A job secret that is not UTF-8 (and has a NUL): it must round-trip as bytes. */
    static final byte[] NOT_UTF8_SECRET = {'k', 'e', 'y', (byte) 0xff, 0, (byte) 0xc3, '-', '9', 'Z'};

    @Test
    void jobSecretsAreStoredEncryptedBoundToTheirJobAndListedForMaskingWithTheForgeToken() {
        Repo r = store.createRepo(new NewRepo("github", "o", "js", "u", "h", false, null, Secret.of("forge-token-js")));
        Job a = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
        Job b = store.createJob(NewJob.of(repo("js-other").id(), "c", "main", "x"));
        assertThat(store.jobSecretsToMask(a.id())).containsExactly("forge-token-js".getBytes(StandardCharsets.UTF_8));
        assertThat(store.jobSecretsToMask(b.id())).isEmpty();

        byte[] first = "deploy-key-js-first".getBytes(StandardCharsets.UTF_8);
        AddedJobSecret added = store.addJobSecret(a.id(), first);
        assertThat(added.job()).isEqualTo(a.id());
        assertThat(added.bytes()).isEqualTo(first.length);
        assertThat(added.toString()).doesNotContain("deploy-key-js-first");
        clock.advance(Duration.ofSeconds(1));
        store.addJobSecret(a.id(), NOT_UTF8_SECRET);
        clock.advance(Duration.ofSeconds(1));
        store.addJobSecret(a.id(), "short".getBytes(StandardCharsets.UTF_8)); // stored; masking skips it
        assertThat(store.jobSecretsToMask(a.id())).containsExactly(first, NOT_UTF8_SECRET,
                "short".getBytes(StandardCharsets.UTF_8), "forge-token-js".getBytes(StandardCharsets.UTF_8));
        assertThat(store.jobSecretsToMask(b.id())).isEmpty();

        // At rest: the envelope of the current key, never the value.
        List<byte[]> stored = sql(c -> {
            List<byte[]> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT value FROM job_secrets")) {
                while (rs.next()) {
                    out.add(dialect() == Dialect.POSTGRES ? rs.getBytes(1) : rs.getString(1).getBytes(StandardCharsets.UTF_8));
                }
            }
            return out;
        });
        assertThat(stored).hasSize(3);
        String keyId = EncryptionKeys.of(keyBase64, List.of()).currentKeyId().orElseThrow();
        for (byte[] v : stored) {
            String text = new String(v, StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain("deploy-key-js-first").doesNotContain("short")
                    .doesNotContain(new String(NOT_UTF8_SECRET, StandardCharsets.ISO_8859_1));
            if (dialect() == Dialect.POSTGRES) {
                assertThat(v[0]).isEqualTo(SecretCipher.VERSION);
            } else {
                assertThat(text).startsWith("v2:" + keyId + ":");
            }
        }

        // Moved to another job's row: refused, naming the row, never the value.
        rawUpdate("UPDATE job_secrets SET job_id = ? WHERE id = ?", b.id().value(), added.id());
        assertThatThrownBy(() -> store.jobSecretsToMask(b.id())).isInstanceOfSatisfying(SecretAuthenticationException.class, e -> {
            assertThat(e.table()).isEqualTo("job_secrets");
            assertThat(e.rowId()).isEqualTo(added.id());
        }).hasMessageNotContaining("deploy-key-js-first");
    }

    @Test
    void envValuesMarkedSecretAreMaskedNeverStoredInPlaintextAndSurviveKeyRotation() {
        Repo r = store.createRepo(new NewRepo("github", "o", "envs", "u", "h", false, null, null));
        Job j = store.createJob(NewJob.of(r.id(), "c", "main", "x")
                .withEnv(Map.of("DEPLOY_TOKEN", "env-secret-value-1", "PLAIN", "visible-value-1"))
                .withSecretEnv(java.util.Set.of("DEPLOY_TOKEN")));
        assertThat(store.jobSecretsToMask(j.id())).containsExactly("env-secret-value-1".getBytes(StandardCharsets.UTF_8));
        assertThat(store.getJob(j.id()).env()).containsEntry("DEPLOY_TOKEN", "env-secret-value-1");
        String row = sql(c -> {
            try (var ps = c.prepareStatement("SELECT env_json, secret_env FROM jobs WHERE id = ?")) {
                ps.setString(1, j.id().value());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1) + " " + rs.getString(2);
                }
            }
        });
        assertThat(row).contains("DEPLOY_TOKEN").doesNotContain("env-secret-value-1");

        String newKey = newKey();
        withKeys(EncryptionKeys.of(newKey, List.of(keyBase64))).rotateKeys();
        assertThat(withKeys(EncryptionKeys.of(newKey, List.of())).jobSecretsToMask(j.id()))
                .containsExactly("env-secret-value-1".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.createJob(NewJob.of(r.id(), "c", "main", "x").withEnv(Map.of("A", "x"))
                .withSecretEnv(java.util.Set.of("B")))).isInstanceOf(InvalidInputException.class).hasMessageContaining("B");
        assertThatThrownBy(() -> withKeys(EncryptionKeys.none()).createJob(NewJob.of(r.id(), "c", "main", "x")
                .withEnv(Map.of("A", "never-echoed-env")).withSecretEnv(java.util.Set.of("A"))))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("CINCH_ENCRYPTION_KEY")
                .hasMessageNotContaining("never-echoed-env");
    }

    @Test
    void addingAJobSecretRefusesUnknownJobsBadValuesAndAMissingKeyWithoutEchoingTheValue() {
        Job j = store.createJob(NewJob.of(repo("jsbad").id(), "c", "main", "x"));
        byte[] value = "never-echoed-value".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.addJobSecret(JobId.of("no-such-job"), value))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.id()).isEqualTo("no-such-job"))
                .hasMessageNotContaining("never-echoed-value");
        assertThatThrownBy(() -> store.addJobSecret(j.id(), new byte[0])).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(j.id().value()).hasMessageContaining("empty");
        byte[] huge = new byte[JdbcJobSecrets.MAX_VALUE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'x');
        assertThatThrownBy(() -> store.addJobSecret(j.id(), huge)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(Integer.toString(huge.length)).hasMessageNotContaining("xxxxxx");
        assertThatThrownBy(() -> withKeys(EncryptionKeys.none()).addJobSecret(j.id(), value))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("CINCH_ENCRYPTION_KEY")
                .hasMessageContaining("job_secrets.value").hasMessageNotContaining("never-echoed-value");
        assertThat(count("job_secrets")).isZero();
        // Without a key, a job without added values is still readable (only the forge token would need the key).
        assertThat(withKeys(EncryptionKeys.none()).jobSecretsToMask(j.id())).isEmpty();
    }

    @Test
    void restoringAnOlderCiphertextOverARotatedSecretFails() {
        Repo r = store.createRepo(new NewRepo("github", "o", "rot", "u", "h", false, Secret.of("hook-v1"), Secret.of("token-v1")));
        Object old = rawValue("repos", "forge_token", r.id());
        store.updateRepoSecrets(r.id(), Secret.of("hook-v2"), Secret.of("token-v2"));
        assertThat(store.getRepo(r.id()).forgeToken().reveal()).isEqualTo("token-v2");
        rawUpdate("UPDATE repos SET forge_token = ? WHERE id = ?", old, r.id());
        assertThatThrownBy(() -> store.getRepo(r.id()))
                .isInstanceOfSatisfying(SecretAuthenticationException.class, e -> assertThat(e.column()).isEqualTo("forge_token"))
                .hasMessageContaining("older version").hasMessageNotContaining("token-v1");
        // Credentials too: every update writes the next version.
        ForgeCredential fc = store.createForgeCredential(new NewForgeCredential("github", ForgeCredentialType.APP, "7",
                Secret.of("pk-1"), null, null, null, null));
        Object oldKey = rawValue("forge_credentials", "private_key", fc.id());
        store.updateForgeCredential(fc.id(), new NewForgeCredential("github", ForgeCredentialType.APP, "7", Secret.of("pk-2"),
                null, null, null, null));
        rawUpdate("UPDATE forge_credentials SET private_key = ? WHERE id = ?", oldKey, fc.id());
        assertThatThrownBy(() -> store.findForgeCredential(fc.id())).isInstanceOf(SecretAuthenticationException.class);
    }

    @Test
    void jobEnvValuesAreEncryptedWithAKeyAndBoundToTheirJob() {
        Repo r = repo("env");
        Job a = store.createJob(NewJob.of(r.id(), "c", "main", "x").withEnv(Map.of("DEPLOY_TOKEN", "s3cr3t-env-value", "MODE", "ci")));
        Job b = store.createJob(NewJob.of(r.id(), "c", "main", "x").withEnv(Map.of("DEPLOY_TOKEN", "other")));
        assertThat(store.getJob(a.id()).env()).containsExactlyInAnyOrderEntriesOf(Map.of("DEPLOY_TOKEN", "s3cr3t-env-value", "MODE", "ci"));
        String stored = String.valueOf(rawValue("jobs", "env_json", a.id().value()));
        assertThat(stored).contains("DEPLOY_TOKEN").contains("\"enc\"").doesNotContain("s3cr3t-env-value").doesNotContain("\"ci\"");
        // Moved to another job: refused, naming the variable.
        rawUpdate("UPDATE jobs SET env_json = (SELECT env_json FROM jobs WHERE id = ?) WHERE id = ?", a.id().value(), b.id().value());
        assertThatThrownBy(() -> store.getJob(b.id())).isInstanceOfSatisfying(SecretAuthenticationException.class, e -> {
            assertThat(e.table()).isEqualTo("jobs");
            assertThat(e.column()).startsWith("env_json[");
            assertThat(e.rowId()).isEqualTo(b.id().value());
        }).hasMessageNotContaining("s3cr3t-env-value");
    }

    @Test
    void withoutAKeyEnvValuesAreStoredInPlaintextAndRotationEncryptsThem() {
        Repo r = repo("plainenv");
        MetadataStore noKey = withKeys(EncryptionKeys.none());
        Job j = noKey.createJob(NewJob.of(r.id(), "c", "main", "x").withEnv(Map.of("A", "plain-a")));
        assertThat(String.valueOf(rawValue("jobs", "env_json", j.id().value()))).contains("plain-a");
        assertThat(noKey.getJob(j.id()).env()).containsEntry("A", "plain-a");
        KeyRotationReport report = store.rotateKeys();
        assertThat(report.plaintextValuesEncrypted()).isEqualTo(1);
        assertThat(String.valueOf(rawValue("jobs", "env_json", j.id().value()))).doesNotContain("plain-a");
        assertThat(store.getJob(j.id()).env()).containsEntry("A", "plain-a");
        assertThat(store.rotateKeys().plaintextValuesEncrypted()).isZero();
    }

    @Test
    void secretsWrittenBeforeBindingAreRefusedUntilRotationRewritesThem() throws Exception {
        Repo r = store.createRepo(new NewRepo("github", "o", "legacy", "u", "h", false, null, Secret.of("placeholder")));
        // As the previous release stored it: format v1, and secret_version 0 (the column's default for old rows).
        byte[] v1 = SecretCipherTest.legacyEnvelope(keyBase64, "repos.forge_token", r.id(), "legacy-token");
        rawUpdate("UPDATE repos SET forge_token = ?, secret_version = 0 WHERE id = ?",
                dialect() == Dialect.POSTGRES ? v1 : SecretCipher.toText(v1), r.id());
        assertThatThrownBy(() -> store.getRepo(r.id())).isInstanceOf(EncryptionException.class)
                .hasMessageContaining("format v1").hasMessageContaining("keys rotate");
        KeyRotationReport report = store.rotateKeys();
        assertThat(report.valuesReencrypted()).isEqualTo(1);
        assertThat(store.getRepo(r.id()).forgeToken().reveal()).isEqualTo("legacy-token");
        assertThat(store.rotateKeys().valuesReencrypted()).isZero();
        // A v1 value planted in a row written since (secret_version >= 1) is not accepted, even by rotation.
        rawUpdate("UPDATE repos SET forge_token = ? WHERE id = ?", dialect() == Dialect.POSTGRES ? v1 : SecretCipher.toText(v1), r.id());
        assertThatThrownBy(() -> store.rotateKeys()).isInstanceOf(EncryptionException.class).hasMessageContaining(r.id());
    }

    // ------------------------------------------------------------------ tokens

    @Test
    void tokensValidateOnceAndOnlyWhileActive() {
        CreatedToken created = md.createToken(new NewToken("deploy", TokenType.ADMIN, null, List.of("jobs:read", "jobs:write"),
                T0.plusSeconds(3600)));
        String raw = created.rawToken();
        assertThat(raw).matches("cinch_tok_[a-z0-9]{16}_[A-Za-z0-9_-]{43}");
        assertThat(raw).contains(created.token().id());
        assertThat(created.toString()).doesNotContain(raw.substring(raw.length() - 43));
        String storedHash = sql(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT token_hash FROM tokens")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(storedHash).startsWith("$2").doesNotContain(raw.substring(raw.length() - 43));

        clock.advance(Duration.ofSeconds(30));
        TokenValidation ok = md.validateToken(raw);
        assertThat(ok.outcome()).isEqualTo(TokenValidation.Outcome.VALID);
        assertThat(ok.token().scopes()).containsExactly("jobs:read", "jobs:write");
        assertThat(ok.token().lastUsed()).isEqualTo(T0.plusSeconds(30));
        ((JdbcMetadataStore) store).awaitTokenUseWrites();
        assertThat(md.listTokens()).singleElement().satisfies(t -> {
            assertThat(t.lastUsed()).isEqualTo(T0.plusSeconds(30));
            assertThat(t.toString()).doesNotContain("$2");
        });

        String wrongSecret = raw.substring(0, raw.length() - 43) + "A".repeat(43);
        assertThat(md.validateToken(wrongSecret).outcome()).isEqualTo(TokenValidation.Outcome.WRONG_SECRET);
        String unknownId = "cinch_tok_0000000000000000_" + raw.substring(raw.length() - 43);
        assertThat(md.validateToken(unknownId).outcome()).isEqualTo(TokenValidation.Outcome.UNKNOWN);
        for (String bad : List.of("", "cinch_", "Bearer x", raw + "x", "cinch_tok_' OR 1=1 --_" + "A".repeat(43))) {
            assertThat(md.validateToken(bad).outcome()).isEqualTo(TokenValidation.Outcome.MALFORMED);
        }
        assertThat(md.validateToken(null).isValid()).isFalse();

        clock.advance(Duration.ofHours(1));
        assertThat(md.validateToken(raw).outcome()).isEqualTo(TokenValidation.Outcome.EXPIRED);

        CreatedToken other = md.createToken(new NewToken("ro", TokenType.READONLY, null, List.of(), null));
        assertThat(md.validateToken(other.rawToken()).isValid()).isTrue();
        assertThat(md.revokeToken(other.token().id())).isTrue();
        assertThat(md.revokeToken(other.token().id())).isFalse();
        assertThat(md.validateToken(other.rawToken()).outcome()).isEqualTo(TokenValidation.Outcome.REVOKED);
        assertThatThrownBy(() -> md.revokeToken("tok_missing")).isInstanceOf(NotFoundException.class);
        assertThat(md.listTokens()).extracting(Token::id).containsExactlyInAnyOrder(created.token().id(), other.token().id());
    }

    @Test
    void workerTokensNeedAWorkerAndOthersMustNotHaveOne() {
        assertThatThrownBy(() -> md.createToken(new NewToken("w", TokenType.WORKER, null, List.of(), null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("required");
        assertThatThrownBy(() -> md.createToken(new NewToken("a", TokenType.ADMIN, "w_x", List.of(), null)))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> md.createToken(new NewToken("w", TokenType.WORKER, "w_missing", List.of(), null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> TokenType.parse("root")).isInstanceOf(InvalidInputException.class);
        assertThat(count("tokens")).isZero();
    }

    // ------------------------------------------------------------------ retention

    /** Records deletions and checks that each job's row still exists when its logs are deleted. */
    final class RecordingDeleter implements JobLogDeleter {
        final List<JobId> deleted = new ArrayList<>();
        final List<Long> rowsPresentAtCall = new ArrayList<>();
        final Set<JobId> failFor = new HashSet<>();

        @Override
        public void deleteLogs(JobId job) {
            rowsPresentAtCall.add(store.findJob(job).isPresent() ? 1L : 0L);
            if (failFor.contains(job)) {
                throw new IllegalStateException("log tier unavailable for " + job);
            }
            deleted.add(job);
        }
    }

    @Test
    void cleanupDeletesOldFinishedJobsInBatchesLogsFirst() {
        Repo r = repo("ret");
        List<JobId> old = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Job j = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
            store.updateJobStatus(j.id(), JobStatusUpdate.running(null));
            clock.advance(Duration.ofSeconds(1));
            store.updateJobStatus(j.id(), JobStatusUpdate.of(i % 2 == 0 ? JobStatus.SUCCESS : JobStatus.ERROR, 0));
            old.add(j.id());
        }
        Job cancelledOld = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
        store.updateJobStatus(cancelledOld.id(), JobStatusUpdate.of(JobStatus.CANCELLED, null));
        old.add(cancelledOld.id());
        Job stillRunning = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
        store.updateJobStatus(stillRunning.id(), JobStatusUpdate.running(null));
        Job stillPending = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
        // Job secrets go with their job's row, and only with it.
        store.addJobSecret(old.get(0), "old-job-secret".getBytes(StandardCharsets.UTF_8));
        store.addJobSecret(cancelledOld.id(), "cancelled-job-secret".getBytes(StandardCharsets.UTF_8));
        store.addJobSecret(stillRunning.id(), "running-job-secret".getBytes(StandardCharsets.UTF_8));

        clock.advance(Duration.ofDays(29));
        Job recent = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
        store.updateJobStatus(recent.id(), JobStatusUpdate.running(null));
        store.updateJobStatus(recent.id(), JobStatusUpdate.of(JobStatus.SUCCESS, 0));
        clock.advance(Duration.ofDays(2));

        RecordingDeleter dry = new RecordingDeleter();
        CleanupReport preview = md.cleanup(new RetentionPolicy(Duration.ofDays(30), 2), dry, true);
        assertThat(preview.dryRun()).isTrue();
        assertThat(preview.jobsMatched()).isEqualTo(6);
        assertThat(preview.jobsDeleted()).isZero();
        assertThat(preview.jobIds()).containsExactlyElementsOf(old);
        assertThat(dry.deleted).isEmpty();
        assertThat(count("jobs")).isEqualTo(9);

        RecordingDeleter logs = new RecordingDeleter();
        CleanupReport report = md.cleanup(new RetentionPolicy(Duration.ofDays(30), 2), logs, false);
        assertThat(report.jobsDeleted()).isEqualTo(6);
        assertThat(report.batches()).isEqualTo(3);
        assertThat(report.cutoff()).isEqualTo(clock.instant().minus(Duration.ofDays(30)));
        assertThat(logs.deleted).containsExactlyElementsOf(old);
        assertThat(logs.rowsPresentAtCall).containsOnly(1L);
        assertThat(report.failures()).isEmpty();
        for (JobId id : old) {
            assertThat(store.findJob(id)).isEmpty();
        }
        assertThat(store.findJob(stillRunning.id())).isPresent();
        assertThat(store.findJob(stillPending.id())).isPresent();
        assertThat(store.findJob(recent.id())).isPresent();
        assertThat(count("job_secrets")).isEqualTo(1);
        assertThat(store.jobSecretsToMask(old.get(0))).isEmpty();
        assertThat(store.jobSecretsToMask(stillRunning.id())).containsExactly("running-job-secret".getBytes(StandardCharsets.UTF_8));

        assertThat(md.cleanup(RetentionPolicy.defaults(), new RecordingDeleter(), false).jobsMatched()).isZero();
    }

    @Test
    void aJobWhoseLogsCannotBeDeletedKeepsItsRowForTheNextRun() {
        Repo r = repo("ret2");
        List<JobId> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Job j = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
            store.updateJobStatus(j.id(), JobStatusUpdate.of(JobStatus.CANCELLED, null));
            ids.add(j.id());
        }
        clock.advance(Duration.ofDays(31));
        RecordingDeleter flaky = new RecordingDeleter();
        flaky.failFor.add(ids.get(1));
        CleanupReport first = md.cleanup(new RetentionPolicy(Duration.ofDays(30), 1), flaky, false);
        assertThat(first.jobsDeleted()).isEqualTo(2);
        assertThat(first.failures()).containsOnlyKeys(ids.get(1));
        assertThat(first.failures().get(ids.get(1))).contains("log tier unavailable");
        assertThat(store.findJob(ids.get(1))).isPresent();

        RecordingDeleter healthy = new RecordingDeleter();
        CleanupReport second = md.cleanup(RetentionPolicy.defaults(), healthy, false);
        assertThat(second.jobsDeleted()).isEqualTo(1);
        assertThat(healthy.deleted).containsExactly(ids.get(1));
        assertThat(count("jobs")).isZero();
    }

    /** Stands for the process dying: not a RuntimeException, so cleanup does not take it for a failed delete. */
    static final class ProcessDied extends Error {
        ProcessDied() {
            super("process died");
        }
    }

    @Test
    void aBatchCutShortByACrashIsFinishedFromItsRecordEvenIfThePolicyChangedSince() {
        Repo r = repo("ret-crash");
        List<JobId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Job j = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
            store.updateJobStatus(j.id(), JobStatusUpdate.running(null));
            store.updateJobStatus(j.id(), JobStatusUpdate.of(JobStatus.SUCCESS, 0));
            ids.add(j.id());
            clock.advance(Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofDays(31));
        List<JobId> logsGone = new ArrayList<>();
        JobLogDeleter dying = job -> {
            if (logsGone.size() == 2) {
                throw new ProcessDied(); // after two jobs of the first batch lost their logs, before any row went
            }
            logsGone.add(job);
        };
        assertThatThrownBy(() -> md.cleanup(new RetentionPolicy(Duration.ofDays(30), 3), dying, false))
                .isInstanceOf(ProcessDied.class);
        assertThat(logsGone).containsExactlyElementsOf(ids.subList(0, 2));
        assertThat(count("jobs")).isEqualTo(5); // rows outlive their logs only until the batch is finished
        assertThat(count("retention_batch_jobs")).isEqualTo(3);

        // The operator raises the retention before the next run: by the new policy nothing is old enough. The
        // recorded batch is finished anyway, since two of its jobs have no logs left; the rest of the jobs stay.
        RetentionPolicy longer = new RetentionPolicy(Duration.ofDays(365), 3);
        CleanupReport preview = md.cleanup(longer, new RecordingDeleter(), true);
        assertThat(preview.jobIds()).containsExactlyElementsOf(ids.subList(0, 3));
        RecordingDeleter logs = new RecordingDeleter();
        CleanupReport resumed = md.cleanup(longer, logs, false);
        assertThat(logs.deleted).containsExactlyInAnyOrderElementsOf(ids.subList(0, 3));
        assertThat(resumed.jobsDeleted()).isEqualTo(3);
        assertThat(resumed.batches()).isEqualTo(1);
        for (JobId id : ids.subList(0, 3)) {
            assertThat(store.findJob(id)).isEmpty();
        }
        for (JobId id : ids.subList(3, 5)) {
            assertThat(store.findJob(id)).isPresent();
        }
        assertThat(count("retention_batch_jobs")).isZero();
        assertThat(count("retention_batches")).isZero();
        assertThat(md.cleanup(longer, new RecordingDeleter(), false).jobsMatched()).isZero();
    }

    @Test
    void aJobWhoseLogsStillCannotBeDeletedStaysInItsBatchAndIsNotChosenTwice() {
        Repo r = repo("ret-stuck");
        Job stuck = store.createJob(NewJob.of(r.id(), "c", "main", "x"));
        store.updateJobStatus(stuck.id(), JobStatusUpdate.of(JobStatus.CANCELLED, null));
        clock.advance(Duration.ofDays(31));
        RecordingDeleter failing = new RecordingDeleter();
        failing.failFor.add(stuck.id());
        for (int run = 0; run < 3; run++) {
            CleanupReport report = md.cleanup(RetentionPolicy.defaults(), failing, false);
            assertThat(report.failures()).containsOnlyKeys(stuck.id());
            assertThat(report.jobsMatched()).isEqualTo(1);
        }
        assertThat(count("retention_batch_jobs")).isEqualTo(1);
        assertThat(store.findJob(stuck.id())).isPresent();
        assertThat(md.cleanup(RetentionPolicy.defaults(), new RecordingDeleter(), false).jobsDeleted()).isEqualTo(1);
        assertThat(count("retention_batches")).isZero();
    }

    @Test
    void failedJobsCanBeKeptLongerAndTheNewestJobsOfEachBranchStay() {
        Repo r = repo("ret3");
        // Created in this order, all finished 40 days before the cleanup.
        Job mainOk1 = finished(r, "main", JobStatus.SUCCESS);
        Job mainFail = finished(r, "main", JobStatus.FAILURE);
        Job mainOk2 = finished(r, "main", JobStatus.SUCCESS);
        Job mainErr = finished(r, "main", JobStatus.ERROR);
        Job devOk = finished(r, "dev", JobStatus.SUCCESS);
        clock.advance(Duration.ofDays(40));

        RetentionPolicy keepFailures = RetentionPolicy.olderThan(Duration.ofDays(30)).keepingFailuresFor(Duration.ofDays(90));
        CleanupReport preview = md.cleanup(keepFailures, new RecordingDeleter(), true);
        assertThat(preview.jobIds()).containsExactly(mainOk1.id(), mainOk2.id(), devOk.id());

        RetentionPolicy keepLast = keepFailures.keepingLastPerBranch(2);
        // main keeps its newest two (mainOk2, mainErr); dev keeps its only job; of the rest, failures are kept longer.
        assertThat(md.cleanup(keepLast, new RecordingDeleter(), true).jobIds()).containsExactly(mainOk1.id());

        RecordingDeleter logs = new RecordingDeleter();
        CleanupReport done = md.cleanup(keepLast, logs, false);
        assertThat(done.jobsDeleted()).isEqualTo(1);
        assertThat(logs.deleted).containsExactly(mainOk1.id());
        assertThat(store.findJob(mainFail.id())).isPresent();

        clock.advance(Duration.ofDays(60)); // now 100 days: failures are past their 90 days too
        assertThat(md.cleanup(keepLast, new RecordingDeleter(), true).jobIds()).containsExactly(mainFail.id());
        assertThat(md.cleanup(keepFailures, new RecordingDeleter(), true).jobIds())
                .containsExactly(mainFail.id(), mainOk2.id(), mainErr.id(), devOk.id());
    }

    private Job finished(Repo r, String branch, JobStatus status) {
        Job j = store.createJob(NewJob.of(r.id(), "c", branch, "x"));
        store.updateJobStatus(j.id(), JobStatusUpdate.running(null));
        clock.advance(Duration.ofSeconds(1));
        store.updateJobStatus(j.id(), JobStatusUpdate.of(status, status == JobStatus.SUCCESS ? 0 : 1));
        return j;
    }
}
