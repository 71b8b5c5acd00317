package dev.cinch.metadata;

import java.time.Instant;

/**
 * Which jobs {@link MetadataStore#listJobs} returns; null components do not filter. Every value is bound as a
 * statement parameter, never spliced into SQL.
 *
 * @param createdAfter inclusive lower bound on {@code created_at}
 * @param createdBefore exclusive upper bound on {@code created_at}
 */
public record JobFilter(String repoId, String branch, JobStatus status, String commitSha, Boolean isPr,
                        Integer prNumber, Instant createdAfter, Instant createdBefore) {

    public static JobFilter all() {
        return new JobFilter(null, null, null, null, null, null, null, null);
    }

    public JobFilter repo(String value) {
        return new JobFilter(value, branch, status, commitSha, isPr, prNumber, createdAfter, createdBefore);
    }

    public JobFilter branch(String value) {
        return new JobFilter(repoId, value, status, commitSha, isPr, prNumber, createdAfter, createdBefore);
    }

    public JobFilter status(JobStatus value) {
        return new JobFilter(repoId, branch, value, commitSha, isPr, prNumber, createdAfter, createdBefore);
    }

    public JobFilter commit(String value) {
        return new JobFilter(repoId, branch, status, value, isPr, prNumber, createdAfter, createdBefore);
    }

    public JobFilter pullRequests(Boolean value) {
        return new JobFilter(repoId, branch, status, commitSha, value, prNumber, createdAfter, createdBefore);
    }

    public JobFilter pullRequest(Integer number) {
        return new JobFilter(repoId, branch, status, commitSha, isPr, number, createdAfter, createdBefore);
    }

    public JobFilter createdAfter(Instant value) {
        return new JobFilter(repoId, branch, status, commitSha, isPr, prNumber, value, createdBefore);
    }

    public JobFilter createdBefore(Instant value) {
        return new JobFilter(repoId, branch, status, commitSha, isPr, prNumber, createdAfter, value);
    }
}
