package dev.cinch.logs;

/**
 * A search pattern that cannot be compiled. A {@link LogStoreException} like every other refusal of a
 * {@link LogStore} call, so a caller that catches the store's errors catches this one too; it is thrown before any
 * byte of the log is read.
 */
public class InvalidPatternException extends LogStoreException {
    private final String pattern;
    private final String description;
    private final int index;

    /**
     * @param pattern the pattern as the caller gave it
     * @param description what is wrong
     * @param index the position in {@code pattern} where it goes wrong, or -1 when no single position is to blame
     */
    public InvalidPatternException(JobId job, String pattern, String description, int index) {
        super(job, "invalid search pattern '" + pattern + "': " + description + (index < 0 ? "" : " (at index " + index + ")"));
        this.pattern = pattern;
        this.description = description;
        this.index = index;
    }

    /** The pattern as the caller gave it. */
    public String pattern() {
        return pattern;
    }

    /** What is wrong with it. */
    public String description() {
        return description;
    }

    /** The position in {@link #pattern()} where it goes wrong, or -1. */
    public int index() {
        return index;
    }
}
