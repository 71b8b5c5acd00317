package dev.cinch.metadata;

import dev.cinch.logs.JobId;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a retention run did, or would do in a dry run.
 *
 * @param cutoff jobs finished before this instant were selected
 * @param jobsDeleted rows deleted (0 in a dry run)
 * @param jobsMatched rows selected: deleted, failed, or (dry run) that would be deleted
 * @param jobIds ids of the selected jobs, in deletion order, at most {@link #MAX_LISTED_IDS}
 * @param idsTruncated true when more jobs were selected than listed
 * @param batches transactions used (pages read in a dry run)
 * @param failures jobs whose log deletion failed, with the error message; their rows stay for the next run
 */
public record CleanupReport(boolean dryRun, Instant cutoff, long jobsDeleted, long jobsMatched, List<JobId> jobIds,
                            boolean idsTruncated, int batches, Map<JobId, String> failures) {
    public static final int MAX_LISTED_IDS = 10_000;

    public CleanupReport {
        jobIds = List.copyOf(jobIds);
        failures = Map.copyOf(failures);
    }
}
