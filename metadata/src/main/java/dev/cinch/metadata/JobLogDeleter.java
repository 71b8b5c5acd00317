package dev.cinch.metadata;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;

/**
 * Deletes a job's logs wherever they live. Retention calls it for each job before deleting the job's row, so logs in
 * every tier go. Must be idempotent: deleting
 * the logs of a job that has none does nothing.
 */
@FunctionalInterface
public interface JobLogDeleter {
    void deleteLogs(JobId job);

    /** Deletes through a {@link LogStore} (which may be a tiered store covering every tier). */
    static JobLogDeleter of(LogStore logs) {
        return logs::delete;
    }
}
