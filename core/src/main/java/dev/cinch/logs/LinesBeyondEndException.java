package dev.cinch.logs;

/**
 * A {@link LogStore#readLines} asked for a line more than one past the log's last line (one past it is the end of
 * the log, an empty answer, as {@link LogStore#readRange} at the log's length). A caller printing a line range the
 * way {@code sed} does catches this type and prints nothing.
 */
public class LinesBeyondEndException extends InvalidRangeException {
    private final long fromLine;
    private final long lines;

    public LinesBeyondEndException(JobId job, long fromLine, long lines) {
        super(job, "line " + fromLine + " is beyond the end of the log (" + lines + " lines)");
        this.fromLine = fromLine;
        this.lines = lines;
    }

    /** The first line asked for. */
    public long fromLine() {
        return fromLine;
    }

    /** The lines the log holds (as read at the time: an open log may have grown since). */
    public long lines() {
        return lines;
    }
}
