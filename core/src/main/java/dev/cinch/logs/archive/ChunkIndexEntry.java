package dev.cinch.logs.archive;

import dev.cinch.logs.LogStream;

/**
 * Where one chunk lies in an archive's byte view, from the archive's chunk index.
 *
 * @param seq the chunk's position in the log
 * @param rawOffset offset of the chunk's first byte in the byte view
 * @param length number of bytes in the chunk (may be 0)
 * @param stream stdout or stderr
 * @param timestampMillis when the worker produced the chunk, epoch milliseconds
 * @param crc32c CRC32C of the chunk's bytes
 */
public record ChunkIndexEntry(long seq, long rawOffset, int length, LogStream stream, long timestampMillis,
        int crc32c) {
}
