package dev.cinch.logs.storage;

import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.codec.Crc32c;

/**
 * What the chunks of a log's prefix add up to: the numbers {@code stat} answers with, and what a backend records
 * with each chunk so that an open log's totals are read from its last record, not computed from all of them.
 *
 * @param chunks number of chunks (the next seq)
 * @param rawBytes length of the byte view
 * @param crc32c CRC32C of the byte view
 * @param lastTimestampMillis timestamp of the last chunk, 0 for an empty log
 */
public record LogTotals(long chunks, long rawBytes, int crc32c, long lastTimestampMillis) {
    public static final LogTotals EMPTY = new LogTotals(0, 0, 0, 0);

    /** The totals once {@code next} (which must be chunk {@link #chunks()}) is added. */
    public LogTotals plus(ChunkIndexEntry next) {
        if (next.seq() != chunks || next.rawOffset() != rawBytes) {
            throw new IllegalArgumentException("chunk seq " + next.seq() + " at raw offset " + next.rawOffset()
                    + " does not follow " + this);
        }
        return new LogTotals(chunks + 1, rawBytes + next.length(), Crc32c.combine(crc32c, next.crc32c(), next.length()),
                next.timestampMillis());
    }
}
