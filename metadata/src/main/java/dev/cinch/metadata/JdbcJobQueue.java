package dev.cinch.metadata;

import dev.cinch.sql.Dialect;
import dev.cinch.sql.Database;

import dev.cinch.logs.JobId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The job queue workers claim from, correct with many workers and several server instances on one database.
 *
 * <ul>
 *   <li><b>Claim</b>: the oldest pending job (by {@code created_at}, then id) whose required labels the worker carries
 *       moves to running with {@code attempts + 1}, the worker, and a lease. Postgres: one
 *       {@code UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)}, so competing claims skip each other's rows
 *       instead of queueing on them. SQLite: a read outside any transaction finds whether anything is claimable (idle
 *       polling takes no lock), then one short {@code BEGIN IMMEDIATE} transaction selects and updates.</li>
 *   <li><b>Lease</b>: heartbeats extend it; completion ends it. Both only act while the job is running under the same
 *       worker and attempt ({@link Lease}), so a worker presumed dead cannot act on a job that moved on.</li>
 *   <li><b>Sweep</b>: fails running jobs past {@code timeout_sec}; requeues running jobs whose lease expired
 *       ({@code running → pending}) while {@code attempts < max_attempts}, fails them otherwise; marks workers not seen
 *       within {@link QueuePolicy#workerOfflineAfter()} offline. On Postgres one instance sweeps at a time (an advisory
 *       lock that the others skip).</li>
 * </ul>
 * Jobs registered by the CLI ({@code run}, {@code append}) under the placeholder repo are records of work done
 * elsewhere: the queue never hands them out.
 */
final class JdbcJobQueue {
    /** First half of the Postgres advisory lock key for sweeping: "cinchswp" in ASCII, truncated to an int. */
    private static final int PG_SWEEP_LOCK_CLASS = 0x63696e64;
    private static final String CLAIMABLE_SQLITE = "status = 'pending' AND repo_id <> ? AND NOT EXISTS "
            + "(SELECT 1 FROM json_each(jobs.labels) AS need WHERE need.value NOT IN (SELECT value FROM json_each(?)))";
    /** The oldest claimable job; parameters: the placeholder repo id, the worker's labels as JSON (tests EXPLAIN it). */
    static final String SQLITE_NEXT = "SELECT id FROM jobs WHERE " + CLAIMABLE_SQLITE + " ORDER BY created_at, id LIMIT 1";
    static final String POSTGRES_NEXT = "SELECT id FROM jobs WHERE status = 'pending' AND repo_id <> ? "
            + "AND labels <@ CAST(? AS jsonb) ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";

    private final Database db;
    private final Dialect dialect;
    private final Columns cols;
    private final JobRows rows;
    private final QueuePolicy policy;
    private final Clock clock;

    JdbcJobQueue(Database db, Columns cols, JobRows rows, QueuePolicy policy, Clock clock) {
        this.db = db;
        this.dialect = db.dialect();
        this.cols = cols;
        this.rows = rows;
        this.policy = policy;
        this.clock = clock;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    Optional<ClaimedJob> claimNext(String workerId, List<String> labels) {
        Strings.required("worker", workerId);
        String labelsJson = Labels.toJson(Strings.textList("labels", labels));
        if (dialect == Dialect.SQLITE && !db.read("look for a job for worker " + workerId, c -> {
            requireWorker(c, workerId);
            return sqliteCandidate(c, labelsJson).isPresent();
        })) {
            return Optional.empty();
        }
        return db.inTransaction("claim a job for worker " + workerId, c -> {
            requireWorker(c, workerId);
            Instant now = now();
            Instant leaseEnd = now.plus(policy.lease());
            Optional<Job> claimed = dialect == Dialect.POSTGRES
                    ? postgresClaim(c, workerId, labelsJson, now, leaseEnd)
                    : sqliteClaim(c, workerId, labelsJson, now, leaseEnd);
            if (claimed.isEmpty()) {
                return Optional.empty();
            }
            touchWorker(c, workerId, now);
            Job job = claimed.get();
            return Optional.of(new ClaimedJob(job, new Lease(job.id(), workerId, job.attempts(), leaseEnd)));
        });
    }

    private Optional<String> sqliteCandidate(Connection c, String labelsJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SQLITE_NEXT)) {
            ps.setString(1, JdbcMetadataStore.LOCAL_REPO_ID);
            ps.setString(2, labelsJson);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private Optional<Job> sqliteClaim(Connection c, String workerId, String labelsJson, Instant now, Instant leaseEnd)
            throws SQLException {
        // Inside BEGIN IMMEDIATE: no other writer runs between this select and the update.
        Optional<String> id = sqliteCandidate(c, labelsJson);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 'running', worker_id = ?, started_at = ?, "
                + "attempts = attempts + 1, lease_expires_at = ? WHERE id = ? AND status = 'pending'")) {
            ps.setString(1, workerId);
            cols.setInstant(ps, 2, now);
            cols.setInstant(ps, 3, leaseEnd);
            ps.setString(4, id.get());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("job " + id.get() + " changed inside the write lock");
            }
        }
        return rows.load(c, JobId.of(id.get()));
    }

    /** One statement: select the oldest claimable row (skipping rows other claims hold), update it, return it. */
    private Optional<Job> postgresClaim(Connection c, String workerId, String labelsJson, Instant now, Instant leaseEnd)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 'running', worker_id = ?, started_at = ?, "
                + "attempts = attempts + 1, lease_expires_at = ? WHERE status = 'pending' AND id = (" + POSTGRES_NEXT
                + ") RETURNING " + JobRows.COLUMNS)) {
            ps.setString(1, workerId);
            cols.setInstant(ps, 2, now);
            cols.setInstant(ps, 3, leaseEnd);
            ps.setString(4, JdbcMetadataStore.LOCAL_REPO_ID);
            ps.setString(5, labelsJson);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rows.map(rs)) : Optional.empty();
            }
        }
    }

    private static void requireWorker(Connection c, String workerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM workers WHERE id = ?")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("worker", workerId);
                }
            }
        }
    }

    /** The worker is alive: {@code last_seen} now, busy while it holds a running job, online otherwise. */
    private void touchWorker(Connection c, String workerId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET last_seen = ?, updated_at = ?, status = CASE WHEN "
                + "EXISTS (SELECT 1 FROM jobs WHERE jobs.worker_id = workers.id AND jobs.status = 'running') "
                + "THEN 'busy' ELSE 'online' END WHERE id = ?")) {
            cols.setInstant(ps, 1, now);
            cols.setInstant(ps, 2, now);
            ps.setString(3, workerId);
            if (ps.executeUpdate() != 1) {
                throw new NotFoundException("worker", workerId);
            }
        }
    }

    Lease heartbeat(Lease lease) {
        return db.inTransaction("heartbeat of job " + lease.jobId() + " by worker " + lease.workerId(), c -> {
            Instant now = now();
            Instant leaseEnd = now.plus(policy.lease());
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET lease_expires_at = ? "
                    + "WHERE id = ? AND status = 'running' AND worker_id = ? AND attempts = ?")) {
                cols.setInstant(ps, 1, leaseEnd);
                bindLease(ps, 2, lease);
                if (ps.executeUpdate() != 1) {
                    throw leaseLost(c, lease, "heartbeat");
                }
            }
            touchWorker(c, lease.workerId(), now);
            return new Lease(lease.jobId(), lease.workerId(), lease.attempt(), leaseEnd);
        });
    }

    Job complete(Lease lease, JobStatusUpdate update) {
        if (!update.status().isTerminal()) {
            throw new InvalidInputException("status", "a claimed job is completed with success, failure, error or "
                    + "cancelled, not " + update.status().wireName());
        }
        Strings.text("error message", update.errorMsg());
        return db.inTransaction("complete job " + lease.jobId() + " by worker " + lease.workerId(), c -> {
            Instant now = now();
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = ?, finished_at = ?, exit_code = ?, "
                    + "error_msg = ?, lease_expires_at = NULL WHERE id = ? AND status = 'running' AND worker_id = ? "
                    + "AND attempts = ?")) {
                ps.setString(1, update.status().wireName());
                cols.setInstant(ps, 2, now);
                cols.setNullableInt(ps, 3, update.exitCode());
                ps.setString(4, update.errorMsg());
                bindLease(ps, 5, lease);
                if (ps.executeUpdate() != 1) {
                    throw leaseLost(c, lease, "completion");
                }
            }
            touchWorker(c, lease.workerId(), now);
            return rows.load(c, lease.jobId()).orElseThrow();
        });
    }

    private static void bindLease(PreparedStatement ps, int first, Lease lease) throws SQLException {
        ps.setString(first, lease.jobId().value());
        ps.setString(first + 1, lease.workerId());
        ps.setInt(first + 2, lease.attempt());
    }

    private LeaseLostException leaseLost(Connection c, Lease lease, String what) throws SQLException {
        Optional<Job> now = rows.load(c, lease.jobId());
        String state = now.map(j -> "it is " + j.status().wireName()
                + (j.workerId() == null ? "" : " under worker " + j.workerId()) + " at attempt " + j.attempts())
                .orElse("it no longer exists");
        return new LeaseLostException(lease.jobId(), what + " refused: job " + lease.jobId() + " is no longer leased to worker "
                + lease.workerId() + " for attempt " + lease.attempt() + " (" + state + "); stop working on it");
    }

    Worker workerHeartbeat(String workerId, WorkerRows workers) {
        Strings.required("worker", workerId);
        return db.inTransaction("heartbeat of worker " + workerId, c -> {
            touchWorker(c, workerId, now());
            return workers.load(c, workerId).orElseThrow();
        });
    }

    SweepReport sweep() {
        return db.inTransaction("sweep the job queue", c -> {
            if (dialect == Dialect.POSTGRES && !sweepLock(c)) {
                return new SweepReport(0, 0, 0, 0, true);
            }
            Instant now = now();
            // Timeouts first: a job past its timeout is not given another attempt.
            int timedOut = update(c, "UPDATE jobs SET status = 'error', finished_at = ?, lease_expires_at = NULL, "
                    + "error_msg = 'timed out: ran longer than timeout_sec (' || timeout_sec || ' s) on attempt ' || attempts "
                    + "WHERE status = 'running' AND " + (dialect == Dialect.POSTGRES
                    ? "started_at + make_interval(secs => timeout_sec) <= ?" : "started_at + timeout_sec <= ?"), now, now);
            int failed = update(c, "UPDATE jobs SET status = 'error', finished_at = ?, lease_expires_at = NULL, "
                    + "error_msg = 'worker lost: its lease expired on attempt ' || attempts || ' of ' || max_attempts "
                    + "WHERE status = 'running' AND lease_expires_at <= ? AND attempts >= max_attempts", now, now);
            int requeued = update(c, "UPDATE jobs SET status = 'pending', worker_id = NULL, started_at = NULL, "
                    + "lease_expires_at = NULL WHERE status = 'running' AND lease_expires_at <= ? AND attempts < max_attempts", now);
            int offline = update(c, "UPDATE workers SET status = 'offline', updated_at = ? WHERE status <> 'offline' "
                    + "AND (last_seen IS NULL OR last_seen <= ?)", now, now.minus(policy.workerOfflineAfter()));
            return new SweepReport(requeued, failed, timedOut, offline, false);
        });
    }

    private boolean sweepLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, hashtext(current_schema()))")) {
            ps.setInt(1, PG_SWEEP_LOCK_CLASS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private int update(Connection c, String sql, Instant... instants) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < instants.length; i++) {
                cols.setInstant(ps, i + 1, instants[i]);
            }
            return ps.executeUpdate();
        }
    }
}
