package dev.cinch.logs.storage;

import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.codec.Crc32c;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * What the chunks of a log's prefix add up to: the numbers {@code stat} answers with, and what a backend records
 * with each chunk so that an open log's totals are read from its last record, not computed from all of them.
 *
 * @param chunks number of chunks (the next seq)
 * @param rawBytes length of the byte view
 * @param crc32c CRC32C of the byte view
 * @param lastTimestampMillis timestamp of the last chunk, 0 for an empty log
 * @param newlines number of {@code \n} bytes in the byte view, or {@link #UNKNOWN_NEWLINES} for a log whose chunks
 *     were stored before line counts were recorded (ADR 0009): once unknown it stays unknown for that log, so a
 *     backend either has the count of every chunk of a log or of none
 */
public record LogTotals(long chunks, long rawBytes, int crc32c, long lastTimestampMillis, long newlines) {
    /** The line count of a log stored before counts were kept. */
    public static final long UNKNOWN_NEWLINES = -1;

    public static final LogTotals EMPTY = new LogTotals(0, 0, 0, 0, 0);

    public LogTotals {
        if (newlines < UNKNOWN_NEWLINES) {
            throw new IllegalArgumentException("newline count " + newlines);
        }
    }

    /** Totals without a line count: what a log stored before counts were kept adds up to. */
    public LogTotals(long chunks, long rawBytes, int crc32c, long lastTimestampMillis) {
        this(chunks, rawBytes, crc32c, lastTimestampMillis, UNKNOWN_NEWLINES);
    }

    public boolean newlinesKnown() {
        return newlines != UNKNOWN_NEWLINES;
    }

    /**
     * The totals once {@code next} (which must be chunk {@link #chunks()}) holding {@code chunkNewlines} {@code \n}
     * bytes is added. The line count stays unknown when it was unknown.
     */
    public LogTotals plus(ChunkIndexEntry next, long chunkNewlines) {
        if (next.seq() != chunks || next.rawOffset() != rawBytes) {
            throw new IllegalArgumentException("chunk seq " + next.seq() + " at raw offset " + next.rawOffset()
                    + " does not follow " + this);
        }
        if (chunkNewlines < 0 || chunkNewlines > next.length()) {
            throw new IllegalArgumentException("chunk seq " + next.seq() + " of " + next.length() + " bytes cannot hold "
                    + chunkNewlines + " newlines");
        }
        return new LogTotals(chunks + 1, rawBytes + next.length(), Crc32c.combine(crc32c, next.crc32c(), next.length()),
                next.timestampMillis(), newlinesKnown() ? newlines + chunkNewlines : UNKNOWN_NEWLINES);
    }

    /** The same totals with the line count marked unknown. */
    public LogTotals withoutNewlines() {
        return new LogTotals(chunks, rawBytes, crc32c, lastTimestampMillis, UNKNOWN_NEWLINES);
    }

    /** The number of {@code \n} bytes in {@code bytes}: what {@link #plus} adds for a chunk. */
    public static long countNewlines(byte[] bytes) {
        return countNewlines(bytes, 0, bytes.length);
    }

    /**
     * The number of {@code \n} bytes in {@code bytes[from, from + length)}, eight bytes at a time: every byte every
     * backend appends is counted here (and again by policies that look at lines), so it is on the append path.
     */
    public static long countNewlines(byte[] bytes, int from, int length) {
        long n = 0;
        int i = from;
        int end = from + length;
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONGS.get(bytes, i) ^ NEWLINES; // a '\n' byte becomes 0
            long t = ((x & LOW7) + LOW7) | x | LOW7;          // high bit set in each non-zero byte, exactly
            n += Long.bitCount(~t);
        }
        for (; i < end; i++) {
            if (bytes[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
}
