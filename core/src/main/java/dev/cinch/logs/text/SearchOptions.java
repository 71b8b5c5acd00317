package dev.cinch.logs.text;

/**
 * How {@link LogSearch} matches lines.
 *
 * @param fixedStrings the pattern is literal text ({@code grep -F}), not a regular expression
 * @param ignoreCase ASCII letters match either case (as {@code grep -i} under {@code LC_ALL=C}); other bytes match
 *     only themselves, since a log is bytes and its encoding is not known
 * @param ansiAware ANSI escape sequences (colours, cursor moves, terminal titles) are skipped while matching, so
 *     {@code error: x} matches {@code error: \e[1mx\e[0m}; the lines delivered are still the stored bytes
 * @param context lines delivered before and after each matching line ({@code grep -C N}), {@code >= 0}
 * @param stepBudget how many character reads the regular expression may make on one line, on top of
 *     {@link #STEPS_PER_BYTE} per byte of the line (so an ordinary pattern on a long line passes while a pattern that
 *     backtracks exponentially is stopped); {@code >= 1}
 */
public record SearchOptions(boolean fixedStrings, boolean ignoreCase, boolean ansiAware, int context, long stepBudget) {

    /**
     * The default {@link #stepBudget}: at a few hundred million reads per second, at most a few tenths of a second
     * on one line before the search gives up.
     */
    public static final long DEFAULT_STEP_BUDGET = 10_000_000;

    /**
     * Steps a line earns per byte, on top of {@link #stepBudget}: a pattern that tries each start position and
     * reads a few bytes there stays far below it however long the line is.
     */
    public static final long STEPS_PER_BYTE = 100;

    public SearchOptions {
        if (context < 0) {
            throw new IllegalArgumentException("context must be >= 0, got " + context);
        }
        if (stepBudget < 1) {
            throw new IllegalArgumentException("step budget must be >= 1, got " + stepBudget);
        }
    }

    /** Regular expression, case-sensitive, ANSI sequences matched as bytes, no context, the default step budget. */
    public static SearchOptions defaults() {
        return new SearchOptions(false, false, false, 0, DEFAULT_STEP_BUDGET);
    }

    public SearchOptions withFixedStrings(boolean value) {
        return new SearchOptions(value, ignoreCase, ansiAware, context, stepBudget);
    }

    public SearchOptions withIgnoreCase(boolean value) {
        return new SearchOptions(fixedStrings, value, ansiAware, context, stepBudget);
    }

    public SearchOptions withAnsiAware(boolean value) {
        return new SearchOptions(fixedStrings, ignoreCase, value, context, stepBudget);
    }

    public SearchOptions withContext(int lines) {
        return new SearchOptions(fixedStrings, ignoreCase, ansiAware, lines, stepBudget);
    }

    public SearchOptions withStepBudget(long steps) {
        return new SearchOptions(fixedStrings, ignoreCase, ansiAware, context, steps);
    }

    /** The step budget of a line of {@code length} bytes. */
    long budgetFor(int length) {
        long extra = STEPS_PER_BYTE * length;
        return stepBudget > Long.MAX_VALUE - extra ? Long.MAX_VALUE : stepBudget + extra;
    }
}
