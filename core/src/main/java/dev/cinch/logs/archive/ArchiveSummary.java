package dev.cinch.logs.archive;

/**
 * What {@link SeekableArchiveWriter#finish()} wrote.
 *
 * @param chunkCount number of chunks (the next seq would be this value)
 * @param rawBytes length of the log's byte view
 * @param archiveBytes bytes written to the output, the whole archive
 * @param lineCount number of {@code '\n'} bytes in the byte view (an unterminated last line is not counted)
 * @param crc32c CRC32C of the whole byte view, as {@link java.util.zip.CRC32C} computes it
 * @param frameCount number of zstd data frames (0 for an empty log)
 * @param lastTimestampMillis timestamp of the last chunk, 0 for an empty log
 */
public record ArchiveSummary(long chunkCount, long rawBytes, long archiveBytes, long lineCount, int crc32c,
        int frameCount, long lastTimestampMillis) {
}
