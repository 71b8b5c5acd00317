package dev.cinch.metadata;

import java.time.Duration;

/**
 * Which finished jobs retention deletes and how.
 *
 * @param maxAge jobs whose {@code finished_at} is older than now minus this go (seed default: 30 days)
 * @param failureMaxAge the same for jobs that ended in {@code failure} or {@code error}, usually longer: their logs
 *     are the ones people come back to
 * @param keepLastPerBranch the newest this many jobs (by creation) of each repo and branch stay whatever their age;
 *     0 keeps none
 * @param batchSize jobs selected and deleted per transaction, so a large backlog never holds a long write lock
 */
public record RetentionPolicy(Duration maxAge, Duration failureMaxAge, int keepLastPerBranch, int batchSize) {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
    public static final int DEFAULT_BATCH_SIZE = 500;

    public RetentionPolicy {
        if (maxAge == null || maxAge.isNegative()) {
            throw new InvalidInputException("retention", "must be zero or positive");
        }
        if (failureMaxAge == null || failureMaxAge.isNegative()) {
            throw new InvalidInputException("failure retention", "must be zero or positive");
        }
        if (keepLastPerBranch < 0 || keepLastPerBranch > 1_000_000) {
            throw new InvalidInputException("keep last", "must be between 0 and 1000000, got " + keepLastPerBranch);
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new InvalidInputException("batch size", "must be between 1 and 10000, got " + batchSize);
        }
    }

    /** Every outcome kept {@code maxAge}, no per-branch minimum. */
    public RetentionPolicy(Duration maxAge, int batchSize) {
        this(maxAge, maxAge, 0, batchSize);
    }

    public static RetentionPolicy defaults() {
        return new RetentionPolicy(DEFAULT_MAX_AGE, DEFAULT_BATCH_SIZE);
    }

    public static RetentionPolicy olderThan(Duration maxAge) {
        return new RetentionPolicy(maxAge, DEFAULT_BATCH_SIZE);
    }

    /** This policy, keeping failed jobs ({@code failure}, {@code error}) for {@code age} instead. */
    public RetentionPolicy keepingFailuresFor(Duration age) {
        return new RetentionPolicy(maxAge, age, keepLastPerBranch, batchSize);
    }

    /** This policy, always keeping the newest {@code n} jobs of each repo and branch. */
    public RetentionPolicy keepingLastPerBranch(int n) {
        return new RetentionPolicy(maxAge, failureMaxAge, n, batchSize);
    }
}
