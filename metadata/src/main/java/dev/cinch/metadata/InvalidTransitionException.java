package dev.cinch.metadata;

import dev.cinch.logs.JobId;

/**
 * A job status change that the job life cycle does not allow (see {@link JobStatus#canMoveTo}). Nothing was
 * written.
 */
public class InvalidTransitionException extends MetadataException {
    private final transient JobId job;
    private final JobStatus from;
    private final JobStatus to;

    public InvalidTransitionException(JobId job, JobStatus from, JobStatus to) {
        super("job " + job.value() + ": cannot change status from " + from.wireName() + " to " + to.wireName()
                + " (allowed from " + from.wireName() + ": " + from.allowedNextNames() + ")");
        this.job = job;
        this.from = from;
        this.to = to;
    }

    public JobId job() {
        return job;
    }

    public JobStatus from() {
        return from;
    }

    public JobStatus to() {
        return to;
    }
}
