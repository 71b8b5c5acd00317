package dev.cinch.metadata;

/**
 * A status change. Moving to {@code running} sets {@code started_at} (and the worker, when given); moving to a
 * terminal status sets {@code finished_at}, the exit code and the error message.
 */
public record JobStatusUpdate(JobStatus status, Integer exitCode, String errorMsg, String workerId) {
    public JobStatusUpdate {
        if (status == null) {
            throw new InvalidInputException("status", "is required");
        }
    }

    /** The seed's {@code UpdateJobStatus(id, status, exitCode)}. */
    public static JobStatusUpdate of(JobStatus status, Integer exitCode) {
        return new JobStatusUpdate(status, exitCode, null, null);
    }

    public static JobStatusUpdate running(String workerId) {
        return new JobStatusUpdate(JobStatus.RUNNING, null, null, workerId);
    }

    public static JobStatusUpdate finished(JobStatus status, Integer exitCode, String errorMsg) {
        return new JobStatusUpdate(status, exitCode, errorMsg, null);
    }
}
