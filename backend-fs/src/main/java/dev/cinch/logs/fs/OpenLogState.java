package dev.cinch.logs.fs;

import dev.cinch.logs.storage.LogTotals;

/**
 * A prefix of an open log as the fs store keeps it: the totals readers see, and where its frames end in
 * {@code open.log}. Published by the writer after each commit; a reader in another process derives it from the end
 * of {@code open.idx} and the frames after it.
 *
 * @param chunks chunks in the prefix (the next seq)
 * @param rawBytes length of the byte view
 * @param crc32c CRC32C of the byte view
 * @param lastTimestampMillis timestamp of the last chunk, 0 when empty
 * @param logFileBytes length of open.log holding the prefix's frames
 * @param newlines newlines in the prefix, {@link LogTotals#UNKNOWN_NEWLINES} when open.lines does not have them
 */
record OpenLogState(long chunks, long rawBytes, int crc32c, long lastTimestampMillis, long logFileBytes, long newlines) {
    static final OpenLogState EMPTY = new OpenLogState(0, 0, 0, 0, 0, 0);

    static OpenLogState after(long chunks, IndexEntry last, long newlines) {
        return last == null ? (newlines == 0 ? EMPTY : EMPTY.withNewlines(newlines))
                : new OpenLogState(chunks, last.rawEnd(), last.cumulativeCrc(), last.timestampMillis(), last.frameEnd(),
                        newlines);
    }

    OpenLogState withNewlines(long n) {
        return new OpenLogState(chunks, rawBytes, crc32c, lastTimestampMillis, logFileBytes, n);
    }

    LogTotals totals() {
        return new LogTotals(chunks, rawBytes, crc32c, lastTimestampMillis, newlines);
    }

    long indexFileBytes() {
        return chunks * IndexEntry.BYTES;
    }
}
