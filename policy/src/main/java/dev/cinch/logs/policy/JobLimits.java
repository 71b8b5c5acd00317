package dev.cinch.logs.policy;

import dev.cinch.logs.JobId;

import java.util.Optional;

/**
 * Where the size-limit store learns the limit for a job (a per-job setting, or the configured default). Asked when
 * the store first sees a job; once the job's output has passed its head, the limit in force is recorded with the
 * job's tail buffer, so a restart with other settings keeps the job's original limit.
 */
@FunctionalInterface
public interface JobLimits {
    /** The job's limit; empty for no limit. */
    Optional<SizeLimit> limitOf(JobId job);

    /** No limit for any job. */
    JobLimits NONE = job -> Optional.empty();

    /** The same limit for every job. */
    static JobLimits all(SizeLimit limit) {
        Optional<SizeLimit> l = Optional.of(limit);
        return job -> l;
    }
}
