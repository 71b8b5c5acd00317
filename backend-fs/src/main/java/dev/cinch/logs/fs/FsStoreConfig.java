package dev.cinch.logs.fs;

import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.codec.ChunkCodec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Typed, validated settings of the fs store.
 *
 * @param root folder holding the logs ({@code fs.root}, default {@code <data-dir>/logs})
 * @param durability {@code fs.durability}: fsync | group | none (default group)
 * @param groupCommitInterval {@code fs.group-commit-interval}: how often the shared fsync runs (default 5ms)
 * @param chunkLevel {@code fs.chunk-level}: zstd level for open-log chunks (default 3)
 * @param archive {@code fs.archive-frame-size} and {@code fs.archive-level}: the sealed form's frames
 * @param maxOpenWriters {@code fs.max-open-writers}: open logs kept open for appending at once (default 1024);
 *     beyond it idle ones are flushed and closed, and reopened by their next append
 */
public record FsStoreConfig(Path root, Durability durability, Duration groupCommitInterval, int chunkLevel,
                            ArchiveOptions archive, int maxOpenWriters) {
    public static final String ROOT = "fs.root";
    public static final String DURABILITY = "fs.durability";
    public static final String GROUP_COMMIT_INTERVAL = "fs.group-commit-interval";
    public static final String CHUNK_LEVEL = "fs.chunk-level";
    public static final String ARCHIVE_FRAME_SIZE = "fs.archive-frame-size";
    public static final String ARCHIVE_LEVEL = "fs.archive-level";
    public static final String MAX_OPEN_WRITERS = "fs.max-open-writers";
    public static final Set<String> KEYS = Set.of(ROOT, DURABILITY, GROUP_COMMIT_INTERVAL, CHUNK_LEVEL, ARCHIVE_FRAME_SIZE,
            ARCHIVE_LEVEL, MAX_OPEN_WRITERS);

    public static FsStoreConfig from(CinchConfig config) {
        Path root = config.setting(ROOT).isPresent()
                ? config.getPath(ROOT, "")
                : config.dataDir().resolve("logs");
        ArchiveOptions defaults = ArchiveOptions.defaults();
        return new FsStoreConfig(
                root.toAbsolutePath().normalize(),
                config.getEnum(DURABILITY, Durability.class, Durability.GROUP),
                config.getDuration(GROUP_COMMIT_INTERVAL, Duration.ofMillis(5), Duration.ofMillis(1), Duration.ofSeconds(1)),
                config.getInt(CHUNK_LEVEL, ChunkCodec.DEFAULT_LEVEL, 1, 19),
                new ArchiveOptions(
                        (int) config.getBytes(ARCHIVE_FRAME_SIZE, defaults.frameRawBytes(), ArchiveOptions.MIN_FRAME_RAW_BYTES, ArchiveOptions.MAX_FRAME_RAW_BYTES),
                        config.getInt(ARCHIVE_LEVEL, defaults.compressionLevel(), 1, 19)),
                config.getInt(MAX_OPEN_WRITERS, 1024, 1, 1_000_000));
    }
}
