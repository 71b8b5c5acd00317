package dev.cinch.metadata;

import dev.cinch.logs.JobId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Reads {@code jobs} rows into {@link Job}s, decrypting the environment. Shared by the store and the job queue. */
final class JobRows {
    static final String COLUMNS = "id, repo_id, worker_id, commit_sha, branch, is_pr, pr_number, command, timeout_sec, "
            + "env_json, status, exit_code, error_msg, created_at, started_at, finished_at, triggered_by, trigger_user, "
            + "labels, attempts, max_attempts, lease_expires_at, secret_version";

    private final Columns cols;
    private final JobEnv env;

    JobRows(Columns cols, JobEnv env) {
        this.cols = cols;
        this.env = env;
    }

    Job map(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        String repoId = rs.getString("repo_id");
        return new Job(JobId.of(id), repoId, rs.getString("worker_id"),
                rs.getString("commit_sha"), rs.getString("branch"), rs.getBoolean("is_pr"),
                Columns.getNullableInt(rs, "pr_number"), rs.getString("command"), rs.getInt("timeout_sec"),
                env.decode(rs.getString("env_json"), id, repoId, rs.getLong("secret_version")),
                JobStatus.parse(rs.getString("status")), Columns.getNullableInt(rs, "exit_code"), rs.getString("error_msg"),
                cols.getInstant(rs, "created_at"), cols.getInstant(rs, "started_at"), cols.getInstant(rs, "finished_at"),
                rs.getString("triggered_by"), rs.getString("trigger_user"),
                Labels.listFromJson("jobs.labels", rs.getString("labels")), rs.getInt("attempts"), rs.getInt("max_attempts"),
                cols.getInstant(rs, "lease_expires_at"));
    }

    Optional<Job> load(Connection c, JobId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }
}
