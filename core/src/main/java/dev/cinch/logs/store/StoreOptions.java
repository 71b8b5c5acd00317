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
 */
public record StoreOptions(String name, int chunkLevel, ArchiveOptions archive) {
    public StoreOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(archive, "archive");
    }

    /** Default chunk level and archive options. */
    public static StoreOptions defaults(String name) {
        return new StoreOptions(name, ChunkCodec.DEFAULT_LEVEL, ArchiveOptions.defaults());
    }
}
