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
    /** The tier of a composite store the error came from; set at most once, by the store that knows it. */
    private volatile String tier;

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

    /**
     * Names the tier of a composite store (the tiered store) that raised this error, so the message says where the
     * log lies: {@code job J (tier 'cold'): ...}. Keeps the error's type and fields, as a caller catches by type. The
     * first name given stays (the innermost tier); returns this, for {@code throw e.inTier(name)}.
     */
    public LogStoreException inTier(String name) {
        if (tier == null) {
            tier = java.util.Objects.requireNonNull(name, "name");
        }
        return this;
    }

    /** The tier the error came from, when a composite store named it ({@link #inTier}). */
    public Optional<String> tier() {
        return Optional.ofNullable(tier);
    }

    @Override
    public String getMessage() {
        String message = super.getMessage();
        String t = tier;
        if (t == null || message == null) {
            return message;
        }
        String jobPrefix = job == null ? null : "job " + job.value() + ": ";
        return jobPrefix != null && message.startsWith(jobPrefix)
                ? "job " + job.value() + " (tier '" + t + "'): " + message.substring(jobPrefix.length())
                : "tier '" + t + "': " + message;
    }
}
