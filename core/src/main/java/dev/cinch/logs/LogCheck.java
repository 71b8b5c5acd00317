package dev.cinch.logs;

import java.util.List;

/**
 * What {@link LogStore#verify} found in one log: every stored check read back (each chunk's CRC32C and length, the
 * chain of raw offsets, the whole-log CRC32C; for a sealed log also every frame's zstd checksum, the chunk index, the
 * line numbers and the seek table).
 *
 * @param job the job
 * @param tier name of the store that holds the log
 * @param sealed whether the log was checked in its sealed (archive) form
 * @param chunks chunks the log holds
 * @param rawBytes bytes of the log's byte view
 * @param problems what failed, at most {@link #MAX_LISTED_PROBLEMS}; each names the job and the seq or offset
 * @param problemCount how many problems were found in all (more than {@code problems} holds when it was cut short)
 */
public record LogCheck(JobId job, String tier, boolean sealed, long chunks, long rawBytes, List<String> problems,
                       long problemCount) {

    /** A badly damaged log must not make a report of unbounded size. */
    public static final int MAX_LISTED_PROBLEMS = 100;

    public LogCheck {
        problems = List.copyOf(problems);
        if (problemCount < problems.size()) {
            throw new IllegalArgumentException("problemCount " + problemCount + " < " + problems.size() + " problems listed");
        }
    }

    /** True when every check passed. */
    public boolean ok() {
        return problemCount == 0;
    }
}
