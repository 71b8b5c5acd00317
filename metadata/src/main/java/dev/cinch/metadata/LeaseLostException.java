package dev.cinch.metadata;

import dev.cinch.logs.JobId;

/**
 * A heartbeat or completion came with a lease the job no longer honours: the lease ran out and the sweeper requeued
 * the job (perhaps another worker holds it now), it timed out, or it was cancelled. The worker must stop working on
 * it; nothing was written.
 */
public class LeaseLostException extends MetadataException {
    private final JobId jobId;

    public LeaseLostException(JobId jobId, String message) {
        super(message);
        this.jobId = jobId;
    }

    public JobId jobId() {
        return jobId;
    }
}
