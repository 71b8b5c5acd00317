package dev.cinch.logs.follow;

import dev.cinch.logs.JobId;

import java.time.Duration;

/**
 * Tells followers that a log may have changed (a chunk appended, the log sealed or deleted), so they wait instead
 * of polling. A feed only wakes readers; the truth is always re-read from the store, so a spurious wake-up costs a
 * read and a missed one costs at most {@link ChangeFeed#SAFETY_RECHECK}.
 */
public interface ChangeFeed {
    /**
     * Followers re-check the store at least this often even without a signal. Signals are the mechanism; this only
     * bounds the damage of a lost cross-process notification (e.g. an inotify queue overflow).
     */
    Duration SAFETY_RECHECK = Duration.ofSeconds(2);

    /** Signals that {@code job} changed (an append, a seal, a delete made through this process). */
    void publish(JobId job);

    /** A counter that changes whenever {@code job} changes; read it before checking the store. */
    long version(JobId job);

    /**
     * Waits until {@link #version} differs from {@code seenVersion} or the timeout passes.
     *
     * @return true if a change was signalled
     */
    boolean awaitChange(JobId job, long seenVersion, Duration timeout) throws InterruptedException;

    /** Registers interest in {@code job} (a cross-process feed starts watching); release with the handle. */
    default AutoCloseable watch(JobId job) {
        return () -> { };
    }
}
