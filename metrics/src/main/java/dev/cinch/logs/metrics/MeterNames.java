package dev.cinch.logs.metrics;

/**
 * The names of every meter this module registers, in Micrometer's style (dot-separated, lower case; a registry
 * renders them in its own convention, e.g. Prometheus {@code cinch_log_append_seconds}). Every meter carries the tags
 * {@value #STORE} (the provider's name: fs, db, s3, tiered) and {@value #TIER}.
 */
public final class MeterNames {
    /** Timer of appends, tag {@code op}: {@code append} (LogStore.append) or {@code writer} (LogWriter.append). */
    public static final String APPEND = "cinch.log.append";
    /** Timer of reads, tag {@code op}: chunks, range, tail, stat, exists, list, verify, export, follow. */
    public static final String READ = "cinch.log.read";
    /** Timer of changes other than appends, tag {@code op}: open_writer, seal, delete, import. */
    public static final String MANAGE = "cinch.log.manage";
    /** Counter of chunk bytes received (appends, imported archives), base unit bytes, tag {@code op}. */
    public static final String BYTES_IN = "cinch.log.bytes.in";
    /** Counter of bytes answered (reads, follower deliveries, exported archives), base unit bytes, tag {@code op}. */
    public static final String BYTES_OUT = "cinch.log.bytes.out";
    /** Counter of failed calls, tags {@code op} and {@code exception} (the exception's simple class name). */
    public static final String ERRORS = "cinch.log.errors";
    /** Timer: from a chunk's timestamp (the worker's clock) to its delivery by a follower's poll. */
    public static final String FOLLOW_LAG = "cinch.log.follow.lag";
    /** Gauge: logs counted by the last {@link MeteredLogStore#measureStorage} (a lower bound when capped). */
    public static final String STORED_LOGS = "cinch.log.stored.logs";
    /** Gauge, base unit bytes: bytes those logs occupy in the store (compressed, with indexes). */
    public static final String STORED_BYTES = "cinch.log.stored.bytes";
    /** Gauge, base unit bytes: the length of those logs' byte views. */
    public static final String STORED_RAW_BYTES = "cinch.log.stored.raw.bytes";
    /** Gauge: logs the archiver's last plan found eligible to move out of the tier ({@code tier} is the source). */
    public static final String ARCHIVE_BACKLOG = "cinch.log.archive.backlog";
    /** Counter, base unit bytes: raw bytes of logs moved into the tier ({@code tier} is the destination, tag {@code from}). */
    public static final String ARCHIVE_MOVED_BYTES = "cinch.log.archive.moved.bytes";
    /** Counter of finished moves into the tier, tags {@code from} and {@code outcome} (moved or failed). */
    public static final String ARCHIVE_MOVES = "cinch.log.archive.moves";

    public static final String STORE = "store";
    public static final String TIER = "tier";
    public static final String OP = "op";
    public static final String EXCEPTION = "exception";

    private MeterNames() {
    }
}
