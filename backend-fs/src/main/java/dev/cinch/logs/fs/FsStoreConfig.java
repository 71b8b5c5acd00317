package dev.cinch.logs.fs;

import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.codec.ChunkCodec;
import dev.cinch.logs.store.StoreOptions;

import java.nio.file.Path;
import java.util.Set;

/**
 * Typed, validated settings of the fs store.
 *
 * @param root folder holding the logs ({@code fs.root}, default {@code <data-dir>/logs})
 * @param durability {@code fs.durability}: fsync | group | none (default group)
 * @param chunkLevel {@code fs.chunk-level}: zstd level for open-log chunks (default 3)
 * @param archive {@code fs.archive-frame-size} and {@code fs.archive-level}: the sealed form's frames
 * @param maxOpenWriters {@code fs.max-open-writers}: open logs kept open for appending at once (default 1024);
 *     beyond it idle ones are flushed and closed, and reopened by their next append
 * @param frameCacheBytes {@code fs.frame-cache-size}: decompressed archive frames kept for reads of sealed logs
 *     (default 64MiB; 0 turns the cache off)
 */
public record FsStoreConfig(Path root, Durability durability, int chunkLevel, ArchiveOptions archive,
                            int maxOpenWriters, long frameCacheBytes) {
    public static final String ROOT = "fs.root";
    public static final String DURABILITY = "fs.durability";
    public static final String CHUNK_LEVEL = "fs.chunk-level";
    public static final String ARCHIVE_FRAME_SIZE = "fs.archive-frame-size";
    public static final String ARCHIVE_LEVEL = "fs.archive-level";
    public static final String MAX_OPEN_WRITERS = "fs.max-open-writers";
    public static final String FRAME_CACHE_SIZE = "fs.frame-cache-size";
    public static final Set<String> KEYS = Set.of(ROOT, DURABILITY, CHUNK_LEVEL, ARCHIVE_FRAME_SIZE, ARCHIVE_LEVEL,
            MAX_OPEN_WRITERS, FRAME_CACHE_SIZE);

    public static FsStoreConfig from(CinchConfig config) {
        Path root = config.setting(ROOT).isPresent()
                ? config.getPath(ROOT, "")
                : config.dataDir().resolve("logs");
        ArchiveOptions defaults = ArchiveOptions.defaults();
        return new FsStoreConfig(
                root.toAbsolutePath().normalize(),
                config.getEnum(DURABILITY, Durability.class, Durability.GROUP),
                config.getInt(CHUNK_LEVEL, ChunkCodec.DEFAULT_LEVEL, 1, 19),
                new ArchiveOptions(
                        (int) config.getBytes(ARCHIVE_FRAME_SIZE, defaults.frameRawBytes(), ArchiveOptions.MIN_FRAME_RAW_BYTES, ArchiveOptions.MAX_FRAME_RAW_BYTES),
                        config.getInt(ARCHIVE_LEVEL, defaults.compressionLevel(), 1, 19)),
                config.getInt(MAX_OPEN_WRITERS, 1024, 1, 1_000_000),
                config.getBytes(FRAME_CACHE_SIZE, StoreOptions.DEFAULT_FRAME_CACHE_BYTES, 0, 16L << 30));
    }
}
