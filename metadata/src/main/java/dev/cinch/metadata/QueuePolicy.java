package dev.cinch.metadata;

import java.time.Duration;

/**
 * How the job queue treats workers.
 *
 * @param lease how long a claim (or the last heartbeat) keeps a job with its worker; a worker heartbeats well within
 *     it (e.g. every third of it). When it runs out the sweeper puts the job back to pending.
 * @param workerOfflineAfter a worker not seen (claim, heartbeat) for this long is marked offline by the sweeper
 */
public record QueuePolicy(Duration lease, Duration workerOfflineAfter) {
    public QueuePolicy {
        if (lease.compareTo(Duration.ofSeconds(1)) < 0 || workerOfflineAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidInputException("queue policy", "lease and worker-offline time must be at least 1 second, got "
                    + lease + " and " + workerOfflineAfter);
        }
    }

    /** A 60 s lease; workers offline after 90 s without a sign of life. */
    public static QueuePolicy defaults() {
        return new QueuePolicy(Duration.ofSeconds(60), Duration.ofSeconds(90));
    }
}
