package dev.cinch.logs;

/**
 * What a store knows about one log, answered without reading the log's bytes.
 *
 * @param job the job
 * @param chunks number of chunks (the next seq to append)
 * @param rawBytes length of the log's byte view
 * @param storedBytes bytes the log occupies in the store (compressed, with indexes)
 * @param sealed whether the log is complete
 * @param crc32c CRC32C of the whole byte view (what {@code zstd -dc | crc32c} would give)
 * @param tier name of the store holding the log ({@code fs}, {@code db}, ...)
 * @param lastTimestampMillis timestamp of the last chunk, or 0 for an empty log
 */
public record LogStat(JobId job, long chunks, long rawBytes, long storedBytes, boolean sealed, int crc32c, String tier,
                      long lastTimestampMillis) {

    /** The checksum as it is shown to people and compared across tiers: {@code crc32c:0a1b2c3d}. */
    public String checksum() {
        return String.format("crc32c:%08x", crc32c);
    }

    /** raw / stored, or 0 when nothing is stored. */
    public double compressionRatio() {
        return storedBytes == 0 ? 0 : (double) rawBytes / storedBytes;
    }
}
