package dev.cinch.logs;

/**
 * A stretch of a log's byte view, with the number of lines before it, so a reader that starts there knows which line
 * it is in: the answer of {@link LogStore#rangesThatMayContain}.
 *
 * @param offset where it starts in the byte view
 * @param length how many bytes
 * @param linesBefore how many {@code \n} the log holds before {@code offset} (the line at {@code offset} is number
 *     {@code linesBefore + 1}, counting from 1)
 */
public record LogRange(long offset, long length, long linesBefore) {
    public LogRange {
        if (offset < 0 || length < 0 || linesBefore < 0 || linesBefore > offset) {
            throw new IllegalArgumentException("bad log range: offset " + offset + ", length " + length
                    + ", lines before " + linesBefore);
        }
    }

    public long end() {
        return offset + length;
    }
}
