package dev.cinch.metadata;

import java.time.Duration;

/**
 * Which finished jobs retention deletes and how.
 *
 * @param maxAge jobs whose {@code finished_at} is older than now minus this go (seed default: 30 days)
 * @param batchSize jobs selected and deleted per transaction, so a large backlog never holds a long write lock
 */
public record RetentionPolicy(Duration maxAge, int batchSize) {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
    public static final int DEFAULT_BATCH_SIZE = 500;

    public RetentionPolicy {
        if (maxAge == null || maxAge.isNegative()) {
            throw new InvalidInputException("retention", "must be zero or positive");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new InvalidInputException("batch size", "must be between 1 and 10000, got " + batchSize);
        }
    }

    public static RetentionPolicy defaults() {
        return new RetentionPolicy(DEFAULT_MAX_AGE, DEFAULT_BATCH_SIZE);
    }

    public static RetentionPolicy olderThan(Duration maxAge) {
        return new RetentionPolicy(maxAge, DEFAULT_BATCH_SIZE);
    }
}
