package dev.cinch.metadata;

import dev.cinch.logs.JobId;

import java.time.Instant;

/**
 * A worker's hold on a claimed job: valid while the job is running under this worker and this attempt. Heartbeats
 * extend it; completing the job ends it. Once the sweeper has requeued the job (the lease ran out), every use of this
 * lease fails with {@link LeaseLostException}, so a worker that was presumed dead cannot finish a job twice.
 *
 * @param attempt the job's attempt number this claim started (1 for the first claim)
 */
public record Lease(JobId jobId, String workerId, int attempt, Instant expiresAt) {
}
