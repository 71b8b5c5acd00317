package dev.cinch.logs.text;

import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code tail -n N} over any log read backwards in blocks (an open log's chunks, an archive's frames), so that the
 * cost follows the answer: each block is read and decoded once, and the walk stops as soon as the answer is known
 * or would exceed {@link LogStore#MAX_READ_BYTES}, which is refused before anything more is read.
 *
 * <p>Semantics, as GNU tail: lines end at {@code \n}; a final line without {@code \n} is a line; if the log ends
 * with {@code \n} that newline terminates the last line rather than starting an empty one; {@code \r} is an
 * ordinary byte. With fewer than N lines the whole log is returned.
 */
public final class TailLines {

    /** One block of the byte view: {@code bytes} are the view's bytes from {@code start}. */
    public record Block(long start, byte[] bytes) {
        long end() {
            return start + bytes.length;
        }
    }

    /** A log read backwards. */
    @FunctionalInterface
    public interface BackwardBlocks {
        /**
         * The block that ends exactly at {@code end}, {@code 0 < end <= size}: {@code end} is always the log's size or
         * the start of a block returned before, so blocks tile the log.
         */
        Block endingAt(long end);
    }

    private TailLines() {
    }

    /** The last {@code lines} lines of a log of {@code size} bytes. */
    public static byte[] read(JobId job, long size, int lines, BackwardBlocks blocks) {
        if (lines < 0) {
            throw new InvalidRangeException(job, "tail lines must be >= 0, got " + lines);
        }
        if (lines == 0 || size == 0) {
            return new byte[0];
        }
        List<Block> held = new ArrayList<>(); // newest first
        long answerStart = 0;
        int remaining = lines;
        long end = size;
        search:
        while (end > 0) {
            Block block = blocks.endingAt(end);
            if (block.end() != end || block.start() < 0 || block.bytes().length == 0) {
                throw new IllegalStateException("block source returned [" + block.start() + ", " + block.end()
                        + ") for a block ending at " + end);
            }
            held.add(block);
            byte[] b = block.bytes();
            int i = b.length - 1;
            if (end == size && b[i] == '\n') {
                i--; // the log's final newline ends the last line; it does not start a new one
            }
            for (; i >= 0; i--) {
                if (b[i] == '\n' && --remaining == 0) {
                    answerStart = block.start() + i + 1;
                    break search;
                }
            }
            // Every byte from this block's start on belongs to the answer: stop before reading any further.
            refuseIfTooLong(job, lines, size, block.start());
            end = block.start();
        }
        refuseIfTooLong(job, lines, size, answerStart);
        byte[] out = new byte[(int) (size - answerStart)];
        for (Block block : held) {
            long from = Math.max(answerStart, block.start());
            System.arraycopy(block.bytes(), (int) (from - block.start()), out, (int) (from - answerStart),
                    (int) (block.end() - from));
        }
        return out;
    }

    private static void refuseIfTooLong(JobId job, int lines, long size, long answerStart) {
        long length = size - answerStart;
        if (length > LogStore.MAX_READ_BYTES) {
            throw new InvalidRangeException(job, "the last " + lines + " lines start at or before offset " + answerStart
                    + " and hold at least " + length + " bytes, more than one read may return ("
                    + LogStore.MAX_READ_BYTES + ")");
        }
    }
}
