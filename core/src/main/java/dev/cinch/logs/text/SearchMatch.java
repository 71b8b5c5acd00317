package dev.cinch.logs.text;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * One line a search delivers: a matching line, or a context line around one.
 *
 * <p>Lines are numbered like {@code grep -n}: from 1, each ending at {@code \n}; a final line without {@code \n}
 * is a line. The record copies the bytes on the way in and out; {@link #writeLineTo} writes them without a copy.
 *
 * @param lineNumber the line's number, from 1
 * @param offset byte offset of the line's first byte in the log's byte view
 * @param line the line's bytes as stored, without the {@code \n} that ends it ({@code \r} stays)
 * @param match true for a line the pattern matches, false for a context line
 * @param gapBefore true when lines were skipped between the previous delivered line and this one: where
 *     {@code grep -C N} prints its {@code --} separator (never true for the first line delivered)
 */
public record SearchMatch(long lineNumber, long offset, byte[] line, boolean match, boolean gapBefore) {

    public SearchMatch {
        if (lineNumber < 1) {
            throw new IllegalArgumentException("line numbers start at 1, got " + lineNumber);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        line = Objects.requireNonNull(line, "line").clone();
    }

    /** A copy of the line's bytes. */
    @Override
    public byte[] line() {
        return line.clone();
    }

    /** Number of bytes in the line, without its {@code \n}. */
    public int length() {
        return line.length;
    }

    /** Writes the line's bytes (without {@code \n}) to {@code out}. */
    public void writeLineTo(OutputStream out) throws IOException {
        out.write(line);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchMatch m
                && lineNumber == m.lineNumber
                && offset == m.offset
                && match == m.match
                && gapBefore == m.gapBefore
                && Arrays.equals(line, m.line);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lineNumber, offset, match, gapBefore) * 31 + Arrays.hashCode(line);
    }

    @Override
    public String toString() {
        return "SearchMatch[line " + lineNumber + " at " + offset + (match ? ", match" : ", context")
                + (gapBefore ? ", after a gap" : "") + ", length=" + line.length + "]";
    }
}
