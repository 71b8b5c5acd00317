package dev.cinch.logs;

import java.util.Optional;

/**
 * Root of every error a {@link LogStore} reports. Unchecked, like {@link java.io.UncheckedIOException}: callers
 * catch the subtype they can act on (a worker resends from {@link SequenceGapException#expectedSeq()}, a reader
 * reports {@link CorruptLogException}) and let the rest propagate.
 *
 * <p>Every message names the job and, where one is involved, the seq, offset or key.
 */
public class LogStoreException extends RuntimeException {
    private final transient JobId job;

    public LogStoreException(JobId job, String message) {
        this(job, message, null);
    }

    public LogStoreException(JobId job, String message, Throwable cause) {
        super(job == null ? message : "job " + job.value() + ": " + message, cause);
        this.job = job;
    }

    /** The job the error is about, when there is one. */
    public Optional<JobId> job() {
        return Optional.ofNullable(job);
    }
}
