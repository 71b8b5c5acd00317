package dev.cinch.logs.fs;

/**
 * The committed prefix of an open log: what readers may see. Published by the writer after each append, or read
 * from the tail of {@code open.idx} by a reader in another process.
 *
 * @param chunks committed chunks (the next seq)
 * @param rawBytes length of the byte view
 * @param crc32c CRC32C of the byte view
 * @param lastTimestampMillis timestamp of the last chunk, 0 when empty
 * @param logFileBytes committed length of open.log
 */
record OpenLogState(long chunks, long rawBytes, int crc32c, long lastTimestampMillis, long logFileBytes) {
    static final OpenLogState EMPTY = new OpenLogState(0, 0, 0, 0, 0);

    static OpenLogState after(long chunks, IndexEntry last) {
        return last == null ? EMPTY
                : new OpenLogState(chunks, last.rawEnd(), last.cumulativeCrc(), last.timestampMillis(), last.frameEnd());
    }

    long indexFileBytes() {
        return chunks * IndexEntry.BYTES;
    }
}
