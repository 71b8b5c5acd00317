package dev.cinch.logs;

/**
 * A regular expression needed more work on one line than a search allows: a pattern whose backtracking grows
 * exponentially (such as {@code (a+)+$}) would otherwise keep a thread busy for hours on one unlucky line, and one
 * that recurses once per character would overflow the stack on a long line. The search stops at that line; the lines
 * before it were already delivered.
 */
public class SearchBudgetExceededException extends LogStoreException {
    private final long lineNumber;
    private final long offset;

    /**
     * @param problem what the pattern did and what to do about it
     */
    public SearchBudgetExceededException(JobId job, long lineNumber, long offset, String problem) {
        super(job, "search stopped at line " + lineNumber + " (offset " + offset + "): " + problem);
        this.lineNumber = lineNumber;
        this.offset = offset;
    }

    /** The line (1-based) the pattern gave up on. */
    public long lineNumber() {
        return lineNumber;
    }

    /** Byte offset of that line's first byte. */
    public long offset() {
        return offset;
    }
}
