package dev.cinch.logs.text;

import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LinesBeyondEndException;
import dev.cinch.logs.LogStore;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code sed -n 'A,Bp'} over any log read forwards in blocks (an open log's chunks, an archive's frames), starting
 * from a block whose count of {@code \n} before it is known, so that the cost follows the answer: each block is read
 * and decoded once, and reading stops as soon as the answer is complete or the next line would not fit in
 * {@link LogStore#MAX_READ_BYTES}.
 *
 * <p>Semantics, as sed and tail: lines end at {@code \n}; a final line without {@code \n} is a line; {@code \r} is an
 * ordinary byte; lines are numbered from 1. Line {@code L} starts right after the {@code (L-1)}-th {@code \n} (line
 * 1 at offset 0). An answer holds whole lines only: when the next line would take it past the byte limit it stops
 * before that line (the caller continues from the first line it did not get); a first line that alone is longer than
 * the limit is refused, naming it.
 */
public final class LineSlice {

    /** One block of the byte view: {@code bytes} are the view's bytes from {@code start}. */
    public record Block(long start, byte[] bytes) {
        long end() {
            return start + bytes.length;
        }
    }

    /** A log read forwards. */
    @FunctionalInterface
    public interface ForwardBlocks {
        /** The next block, starting where the previous one ended; null at the end of the log. */
        Block next();
    }

    private LineSlice() {
    }

    /**
     * Lines {@code [fromLine, fromLine + count)} of a log, read from {@code blocks} with the log's byte limit.
     *
     * @param newlinesBefore the number of {@code \n} bytes before the first block; either less than
     *     {@code fromLine - 1}, or equal to it when the first block starts a line (offset 0 or right after a
     *     {@code \n}), so the answer's start is never before the first block
     * @throws LinesBeyondEndException when the log has fewer than {@code fromLine - 1} lines
     * @throws InvalidRangeException when line {@code fromLine} alone is longer than the limit
     */
    public static byte[] read(JobId job, long fromLine, int count, long newlinesBefore, ForwardBlocks blocks) {
        return read(job, fromLine, count, newlinesBefore, blocks, LogStore.MAX_READ_BYTES);
    }

    /** {@link #read(JobId, long, int, long, ForwardBlocks)} with another byte limit (for tests of the limit). */
    static byte[] read(JobId job, long fromLine, int count, long newlinesBefore, ForwardBlocks blocks, int maxBytes) {
        checkArguments(job, fromLine, count);
        if (count == 0) {
            return new byte[0];
        }
        long skip = fromLine - 1; // the answer starts after this many newlines
        if (newlinesBefore > skip) {
            throw new IllegalArgumentException("block source starts after line " + fromLine + " (" + newlinesBefore
                    + " newlines before it)");
        }
        long seen = newlinesBefore;
        long lastNewline = skip + count; // the newline that ends the answer
        long answerStart = -1;
        long wholeEnd = -1; // end of the last whole line in the answer
        long answerEnd = -1;
        byte lastByte = '\n';
        long expectedStart = -1;
        List<Block> held = new ArrayList<>();
        Block block;
        blocks:
        while ((block = blocks.next()) != null) {
            byte[] b = block.bytes();
            if (expectedStart >= 0 && block.start() != expectedStart) {
                throw new IllegalStateException("block source returned a block at " + block.start() + ", expected "
                        + expectedStart);
            }
            expectedStart = block.end();
            if (b.length == 0) {
                continue;
            }
            lastByte = b[b.length - 1];
            int i = 0;
            if (answerStart < 0) {
                if (seen == skip) {
                    answerStart = block.start();
                    wholeEnd = answerStart;
                } else {
                    for (; i < b.length; i++) {
                        if (b[i] == '\n' && ++seen == skip) {
                            answerStart = block.start() + i + 1;
                            wholeEnd = answerStart;
                            i++;
                            break;
                        }
                    }
                    if (answerStart < 0) {
                        continue; // before the answer: nothing to keep
                    }
                }
            }
            held.add(block);
            for (; i < b.length; i++) {
                if (b[i] == '\n') {
                    long lineEnd = block.start() + i + 1;
                    if (lineEnd - answerStart > maxBytes) {
                        answerEnd = stopBefore(job, seen + 1, wholeEnd, answerStart, lineEnd - wholeEnd, maxBytes);
                        break blocks;
                    }
                    wholeEnd = lineEnd;
                    if (++seen == lastNewline) {
                        answerEnd = lineEnd;
                        break blocks;
                    }
                }
            }
            if (block.end() - answerStart > maxBytes) {
                // The line in progress already passes the limit: stop before it rather than read on.
                answerEnd = stopBefore(job, seen + 1, wholeEnd, answerStart, block.end() - wholeEnd, maxBytes);
                break;
            }
        }
        if (answerStart < 0) {
            // The log ended with fewer than fromLine - 1 newlines. One past the last line is the end of the log (an
            // empty answer, as readRange gives at offset == size); anything further is outside it.
            long lines = seen + (lastByte != '\n' ? 1 : 0);
            if (fromLine == lines + 1) {
                return new byte[0];
            }
            throw new LinesBeyondEndException(job, fromLine, lines);
        }
        if (answerEnd < 0) {
            answerEnd = expectedStart < 0 ? answerStart : expectedStart; // the log ended inside the answer
        }
        byte[] out = new byte[(int) (answerEnd - answerStart)];
        for (Block h : held) {
            long from = Math.max(answerStart, h.start());
            long to = Math.min(answerEnd, h.end());
            if (to > from) {
                System.arraycopy(h.bytes(), (int) (from - h.start()), out, (int) (from - answerStart), (int) (to - from));
            }
        }
        return out;
    }

    /** Where an answer that cannot take line {@code line} ends: before that line, or a refusal when it is the first. */
    private static long stopBefore(JobId job, long line, long wholeEnd, long answerStart, long lineBytes, int maxBytes) {
        if (wholeEnd == answerStart) {
            throw new InvalidRangeException(job, "line " + line + " at offset " + answerStart + " holds at least "
                    + lineBytes + " bytes, more than one read may return (" + maxBytes + ")");
        }
        return wholeEnd;
    }

    /** The argument checks of {@link LogStore#readLines}, shared by every store. */
    public static void checkArguments(JobId job, long fromLine, int count) {
        if (fromLine < 1) {
            throw new InvalidRangeException(job, "line " + fromLine + " does not exist: lines are numbered from 1");
        }
        if (count < 0) {
            throw new InvalidRangeException(job, "line count must be >= 0, got " + count + " (from line " + fromLine + ")");
        }
    }
}
