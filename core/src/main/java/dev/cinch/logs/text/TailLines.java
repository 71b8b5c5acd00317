package dev.cinch.logs.text;

import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;

import java.io.ByteArrayOutputStream;

/**
 * {@code tail -n N} over any positional byte source, reading backwards in blocks so the cost follows the size of
 * the answer, not of the log.
 *
 * <p>Semantics, as GNU tail: lines end at {@code \n}; a final line without {@code \n} is a line; if the log ends
 * with {@code \n} that newline terminates the last line rather than starting an empty one; {@code \r} is an
 * ordinary byte. With fewer than N lines the whole log is returned.
 */
public final class TailLines {
    /** Positional reads of a log's byte view. */
    @FunctionalInterface
    public interface RangeReader {
        byte[] read(long offset, int length);
    }

    private static final int BLOCK = 64 << 10;

    private TailLines() {
    }

    /** Byte offset where the last {@code lines} lines start (equal to {@code size} when {@code lines} is 0). */
    public static long startOffset(long size, int lines, RangeReader reader) {
        if (lines <= 0 || size == 0) {
            return size;
        }
        long end = size; // exclusive end of the region still to scan
        // A trailing newline ends the last line; it is not a line break before another line.
        byte[] last = reader.read(size - 1, 1);
        if (last.length == 1 && last[0] == '\n') {
            end = size - 1;
        }
        int found = 0;
        while (end > 0) {
            long start = Math.max(0, end - BLOCK);
            byte[] block = reader.read(start, (int) (end - start));
            for (int i = block.length - 1; i >= 0; i--) {
                if (block[i] == '\n' && ++found == lines) {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    /** The last {@code lines} lines of a log of {@code size} bytes. */
    public static byte[] read(JobId job, long size, int lines, RangeReader reader) {
        if (lines < 0) {
            throw new InvalidRangeException(job, "tail lines must be >= 0, got " + lines);
        }
        long from = startOffset(size, lines, reader);
        long length = size - from;
        if (length > LogStore.MAX_READ_BYTES) {
            throw new InvalidRangeException(job, "the last " + lines + " lines start at offset " + from + " and hold "
                    + length + " bytes, more than one read may return (" + LogStore.MAX_READ_BYTES + ")");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) length);
        long pos = from;
        while (pos < size) {
            byte[] part = reader.read(pos, (int) Math.min(BLOCK * 16L, size - pos));
            if (part.length == 0) {
                break;
            }
            out.write(part, 0, part.length);
            pos += part.length;
        }
        return out.toByteArray();
    }
}
