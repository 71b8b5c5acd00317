package dev.cinch.logs.store;

import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.codec.ChunkCodec;

import java.util.Objects;

/**
 * What a {@link StorageBackedLogStore} needs to know besides its backend: the settings of the tier it serves.
 *
 * @param name the tier's name, reported as {@link dev.cinch.logs.LogStat#tier()} and by {@code name()}
 * @param chunkLevel zstd level for the chunks of open logs
 * @param archive how seal cuts and compresses the archive
 * @param frameCacheBytes bound of the cache of decompressed archive frames shared by every read of the store (0: none)
 */
public record StoreOptions(String name, int chunkLevel, ArchiveOptions archive, long frameCacheBytes) {
    /** 64 MiB: 256 frames of the default 256 KiB, enough for many readers paging through sealed logs at once. */
    public static final long DEFAULT_FRAME_CACHE_BYTES = 64L << 20;

    public StoreOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(archive, "archive");
        if (frameCacheBytes < 0) {
            throw new IllegalArgumentException("frameCacheBytes must be >= 0, got " + frameCacheBytes);
        }
    }

    /** Default chunk level, archive options and frame cache. */
    public static StoreOptions defaults(String name) {
        return new StoreOptions(name, ChunkCodec.DEFAULT_LEVEL, ArchiveOptions.defaults(), DEFAULT_FRAME_CACHE_BYTES);
    }
}
