package dev.cinch.sql;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a SQLite write transaction keeps retrying {@code BEGIN IMMEDIATE} (or {@code COMMIT}) while another
 * connection holds the write lock, after SQLite's own busy timeout gave up.
 *
 * <p>Why a second layer over SQLite's busy handler: that handler polls in fixed steps, so under steady contention a
 * writer can lose every round to others. Sleeping between attempts with exponential backoff and jitter spreads the
 * waiting processes out, and the budget bounds the total wait.
 *
 * @param budget total time spent retrying, from the first refusal; zero: no retry
 * @param firstBackoff the upper bound of the first sleep, doubled per attempt
 * @param maxBackoff the largest upper bound of a sleep
 */
public record BusyRetry(Duration budget, Duration firstBackoff, Duration maxBackoff) {
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);

    public BusyRetry {
        if (budget.isNegative() || firstBackoff.isNegative() || firstBackoff.isZero() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("invalid busy retry: budget " + budget + ", backoff " + firstBackoff
                    + ".." + maxBackoff);
        }
    }

    /** Backoff from 5 ms up to 250 ms, within {@code budget}. */
    public static BusyRetry within(Duration budget) {
        return new BusyRetry(budget, Duration.ofMillis(5), Duration.ofMillis(250));
    }

    /**
     * The sleep before retry number {@code attempt} (1, 2, ...): half the current bound plus a random part up to the
     * other half ("equal jitter"), so no two waiters keep retrying in step and none retries at once.
     */
    public Duration backoff(int attempt) {
        long bound = firstBackoff.toNanos() << Math.min(attempt - 1, 20);
        bound = Math.min(bound, maxBackoff.toNanos());
        long half = bound / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(half + 1));
    }
}
