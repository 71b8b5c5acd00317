package dev.cinch.logs.tiered;

import dev.cinch.logs.JobId;

/**
 * A sealed log's location record.
 *
 * @param job the job
 * @param tier the tier that answers reads of the log now
 * @param state where its move stands
 * @param otherTier the move's destination while copying, its source while that is deleted; null at rest
 * @param sealedAtMillis when the log was sealed (epoch ms): the age rules count from it
 * @param rawBytes the log's length, for the size rules and progress
 * @param leaseOwner the archiver holding the move, or null
 * @param leaseUntilMillis until when its claim holds (epoch ms), or 0
 */
public record Location(JobId job, String tier, MoveState state, String otherTier, long sealedAtMillis, long rawBytes,
                       String leaseOwner, long leaseUntilMillis) {
}
