package dev.cinch.logs.db;

import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.codec.ChunkCodec;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.store.StoreOptions;

import java.time.Duration;
import java.util.Set;

/**
 * Typed, validated settings of the db store. Which database it uses is the metadata's setting
 * ({@code database.url}, else SQLite {@code <data-dir>/cinch.db}): logs live beside the jobs they belong to.
 *
 * @param chunkLevel {@code db.chunk-level}: zstd level for open-log chunks (default 3)
 * @param archive {@code db.archive-frame-size} and {@code db.archive-level}: the sealed form's frames
 * @param maxOpenWriters {@code db.max-open-writers}: open logs kept open for appending at once (default 1024)
 * @param frameCacheBytes {@code db.frame-cache-size}: decompressed archive frames kept for reads (default 64MiB)
 * @param writerLease {@code db.writer-lease}: how long a writer's role outlives its process when it dies without
 *     closing (default 30s); a live writer renews it every third of that
 * @param followPoll {@code db.follow-poll}: on SQLite, how often followers check for changes made by other processes
 *     (default 100ms; Postgres notifies instead)
 * @param dictionaryMinLogs {@code db.dictionary-min-logs}: once this many logs are sealed and no dictionary exists, one
 *     is trained from them automatically (default 100; 0: only on demand, {@code cinchlog --store db dict train})
 * @param dictionaryBytes {@code db.dictionary-size}: size of a trained dictionary (default 112KiB)
 */
public record DbStoreConfig(int chunkLevel, ArchiveOptions archive, int maxOpenWriters, long frameCacheBytes,
                            Duration writerLease, Duration followPoll, int dictionaryMinLogs, int dictionaryBytes) {
    public static final String CHUNK_LEVEL = "db.chunk-level";
    public static final String ARCHIVE_FRAME_SIZE = "db.archive-frame-size";
    public static final String ARCHIVE_LEVEL = "db.archive-level";
    public static final String MAX_OPEN_WRITERS = "db.max-open-writers";
    public static final String FRAME_CACHE_SIZE = "db.frame-cache-size";
    public static final String WRITER_LEASE = "db.writer-lease";
    public static final String FOLLOW_POLL = "db.follow-poll";
    public static final String DICTIONARY_MIN_LOGS = "db.dictionary-min-logs";
    public static final String DICTIONARY_SIZE = "db.dictionary-size";
    public static final Set<String> KEYS = Set.of(CHUNK_LEVEL, ARCHIVE_FRAME_SIZE, ARCHIVE_LEVEL, MAX_OPEN_WRITERS,
            FRAME_CACHE_SIZE, WRITER_LEASE, FOLLOW_POLL, DICTIONARY_MIN_LOGS, DICTIONARY_SIZE);

    public static DbStoreConfig from(CinchConfig config) {
        ArchiveOptions defaults = ArchiveOptions.defaults();
        return new DbStoreConfig(
                config.getInt(CHUNK_LEVEL, ChunkCodec.DEFAULT_LEVEL, 1, 19),
                new ArchiveOptions(
                        (int) config.getBytes(ARCHIVE_FRAME_SIZE, defaults.frameRawBytes(), ArchiveOptions.MIN_FRAME_RAW_BYTES, ArchiveOptions.MAX_FRAME_RAW_BYTES),
                        config.getInt(ARCHIVE_LEVEL, defaults.compressionLevel(), 1, 19)),
                config.getInt(MAX_OPEN_WRITERS, 1024, 1, 1_000_000),
                config.getBytes(FRAME_CACHE_SIZE, StoreOptions.DEFAULT_FRAME_CACHE_BYTES, 0, 16L << 30),
                config.getDuration(WRITER_LEASE, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1)),
                config.getDuration(FOLLOW_POLL, Duration.ofMillis(100), Duration.ofMillis(5), Duration.ofSeconds(2)),
                config.getInt(DICTIONARY_MIN_LOGS, 100, 0, 1_000_000),
                (int) config.getBytes(DICTIONARY_SIZE, 112 * 1024, 1024, 1 << 20));
    }
}
