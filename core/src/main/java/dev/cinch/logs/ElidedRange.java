package dev.cinch.logs;

/**
 * The part of a job's output a size limit dropped, in the stream the job printed (not in the stored log, where a marker
 * line stands in its place).
 *
 * @param offset where the dropped bytes started in the received stream
 * @param length how many bytes were dropped
 * @param lines how many {@code \n} the dropped bytes held
 */
public record ElidedRange(long offset, long length, long lines) {
    public ElidedRange {
        if (offset < 0 || length < 0 || lines < 0 || lines > length) {
            throw new IllegalArgumentException("bad elided range: offset " + offset + ", length " + length + ", lines " + lines);
        }
    }
}
