package dev.cinch.metadata;

import dev.cinch.logs.JobId;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A build job as stored. Nullable components are null when the column is NULL. Timestamps have second precision
 * on both dialects (SQLite stores unix seconds).
 *
 * @param env environment snapshot; {@link #toString()} shows only its names, since values may be credentials
 * @param labels labels a worker must carry to claim the job (empty: any worker)
 * @param attempts how many times the job was claimed
 * @param maxAttempts claims allowed before a job whose lease expired fails instead of being requeued
 * @param leaseExpiresAt while running: when the claiming worker's lease runs out unless it heartbeats
 */
public record Job(JobId id, String repoId, String workerId, String commitSha, String branch, boolean isPr,
                  Integer prNumber, String command, int timeoutSec, Map<String, String> env, JobStatus status,
                  Integer exitCode, String errorMsg, Instant createdAt, Instant startedAt, Instant finishedAt,
                  String triggeredBy, String triggerUser, List<String> labels, int attempts, int maxAttempts,
                  Instant leaseExpiresAt) {
    public Job {
        env = Map.copyOf(env);
        labels = List.copyOf(labels);
    }

    @Override
    public String toString() {
        return "Job[id=" + id + ", repoId=" + repoId + ", workerId=" + workerId + ", commitSha=" + commitSha
                + ", branch=" + branch + ", isPr=" + isPr + ", prNumber=" + prNumber + ", timeoutSec=" + timeoutSec
                + ", env=" + new TreeSet<>(env.keySet()) + ", status=" + status.wireName() + ", exitCode=" + exitCode
                + ", createdAt=" + createdAt + ", startedAt=" + startedAt + ", finishedAt=" + finishedAt
                + ", triggeredBy=" + triggeredBy + ", labels=" + labels + ", attempts=" + attempts + "/" + maxAttempts
                + ", leaseExpiresAt=" + leaseExpiresAt + "]";
    }
}
