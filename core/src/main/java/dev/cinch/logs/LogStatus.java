package dev.cinch.logs;

import java.util.Locale;
import java.util.Objects;

/**
 * Whether a log can be trusted to be the job's whole output: the question a silent gap (a dropped line, a worker that
 * died) makes impossible to answer from the bytes alone.
 *
 * <p>{@link LogStore#stat} reports the status as recorded (never {@link Kind#DAMAGED}, as it reads no bytes);
 * {@link #check} also reads the log back and reports damage.
 *
 * @param kind what kind of complete or not
 * @param detail why, for people: the size limit's dropped range, {@code worker lost}, the first bad seq or offset;
 *     empty for {@link Kind#OPEN} and {@link Kind#COMPLETE}
 */
public record LogStatus(Kind kind, String detail) {

    public enum Kind {
        /** Not sealed yet: the job may still write. */
        OPEN,
        /** Sealed, every seq present, every check good as far as known. */
        COMPLETE,
        /** Sealed, but the size limit dropped a middle part (a marker line in the log says how much). */
        TRUNCATED,
        /** Sealed by the store, not by the job (e.g. the writer was lost): the job's output may go on past the end. */
        INCOMPLETE,
        /** A stored check failed; {@link #detail()} names the first bad seq or offset. */
        DAMAGED;

        /** The name in JSON and on the command line: {@code complete}, {@code open}, ... */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final LogStatus OPEN = new LogStatus(Kind.OPEN, "");
    public static final LogStatus COMPLETE = new LogStatus(Kind.COMPLETE, "");

    /** What a worker-lost sweep marks: the log was sealed after its writer went away mid-job. */
    public static final String WORKER_LOST = "worker lost";

    public LogStatus {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public static LogStatus incomplete(String why) {
        return new LogStatus(Kind.INCOMPLETE, why);
    }

    public static LogStatus truncated(String why) {
        return new LogStatus(Kind.TRUNCATED, why);
    }

    public static LogStatus damaged(String firstProblem) {
        return new LogStatus(Kind.DAMAGED, firstProblem);
    }

    /**
     * Of two things known about one log, the one to show: damage first, then an incomplete end, then a dropped middle;
     * a recorded status beats plain {@code complete}/{@code open}.
     */
    public LogStatus worst(LogStatus other) {
        return rank(other.kind) > rank(kind) ? other : this;
    }

    private static int rank(Kind k) {
        return switch (k) {
            case OPEN, COMPLETE -> 0;
            case TRUNCATED -> 1;
            case INCOMPLETE -> 2;
            case DAMAGED -> 3;
        };
    }

    /**
     * The status with the log read back: {@link LogStore#stat}'s recorded status, or {@link Kind#DAMAGED} naming the
     * first problem when {@link LogStore#verify} finds one. Costs one pass over the log.
     */
    public static LogStatus check(LogStore store, JobId job) {
        LogStatus recorded = store.stat(job).status();
        LogCheck check = store.verify(job);
        if (check.ok()) {
            return recorded;
        }
        String first = check.problems().isEmpty() ? check.problemCount() + " problems" : check.problems().get(0);
        return recorded.worst(damaged(first));
    }

    /** {@code complete}, or {@code truncated: dropped ...}: the kind's name, then the detail when there is one. */
    @Override
    public String toString() {
        return detail.isEmpty() ? kind.wireName() : kind.wireName() + ": " + detail;
    }
}
