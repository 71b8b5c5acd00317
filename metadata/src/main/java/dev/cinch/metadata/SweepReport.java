package dev.cinch.metadata;

/**
 * What one {@link MetadataStore#sweep()} changed.
 *
 * @param requeued running jobs whose lease expired, put back to pending for another attempt
 * @param failedOutOfAttempts running jobs whose lease expired on their last allowed attempt, now {@code error}
 * @param timedOut running jobs past their {@code timeout_sec}, now {@code error}
 * @param workersOffline workers not seen within the policy's offline time, now {@code offline}
 * @param skipped true when another server instance was sweeping at the same moment (Postgres), so this one did nothing
 */
public record SweepReport(int requeued, int failedOutOfAttempts, int timedOut, int workersOffline, boolean skipped) {
}
