package dev.cinch.logs;

import java.util.Objects;
import java.util.Optional;

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
 * @param status open, complete, or what is recorded about it being incomplete (see {@link LogStatus}; a stat reads no
 *     bytes, so it never reports damage)
 * @param receivedBytes bytes the job printed: {@code rawBytes} unless a size limit dropped some
 * @param elided what the size limit dropped from the received stream, if it acted
 */
public record LogStat(JobId job, long chunks, long rawBytes, long storedBytes, boolean sealed, int crc32c, String tier,
                      long lastTimestampMillis, LogStatus status, long receivedBytes, Optional<ElidedRange> elided) {

    public LogStat {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(elided, "elided");
    }

    /** What a store knows by itself: open or complete, everything received kept. */
    public LogStat(JobId job, long chunks, long rawBytes, long storedBytes, boolean sealed, int crc32c, String tier,
                   long lastTimestampMillis) {
        this(job, chunks, rawBytes, storedBytes, sealed, crc32c, tier, lastTimestampMillis,
                sealed ? LogStatus.COMPLETE : LogStatus.OPEN, rawBytes, Optional.empty());
    }

    /** This stat as seen from a store named {@code tier} (a composite store answers for the tier that holds the log). */
    public LogStat inTier(String tier) {
        return new LogStat(job, chunks, rawBytes, storedBytes, sealed, crc32c, tier, lastTimestampMillis, status,
                receivedBytes, elided);
    }

    /** This stat with {@code recorded} taken into its status (the worse of the two wins, see {@link LogStatus#worst}). */
    public LogStat withStatus(LogStatus recorded) {
        return new LogStat(job, chunks, rawBytes, storedBytes, sealed, crc32c, tier, lastTimestampMillis,
                status.worst(recorded), receivedBytes, elided);
    }

    /** This stat with what a size limit received and dropped. */
    public LogStat withReceived(long received, Optional<ElidedRange> dropped) {
        return new LogStat(job, chunks, rawBytes, storedBytes, sealed, crc32c, tier, lastTimestampMillis, status,
                received, dropped);
    }

    /** The checksum as it is shown to people and compared across tiers: {@code crc32c:0a1b2c3d}. */
    public String checksum() {
        return String.format("crc32c:%08x", crc32c);
    }

    /** raw / stored, or 0 when nothing is stored. */
    public double compressionRatio() {
        return storedBytes == 0 ? 0 : (double) rawBytes / storedBytes;
    }
}
