package dev.cinch.logs.codec;

import java.util.Objects;

/**
 * A zstd dictionary for chunk bodies, trained from a deployment's own logs and kept by its store with an id. Every
 * chunk compressed with it records the id ({@link EncodedChunk#dictionaryId()}), so it stays readable after newer
 * dictionaries are trained.
 *
 * @param id the store's id for it, at least 1 (0 means "no dictionary")
 * @param bytes the dictionary as zstd's trainer produced it; never modified
 */
public record ChunkDictionary(int id, byte[] bytes) {
    public ChunkDictionary {
        if (id < 1) {
            throw new IllegalArgumentException("dictionary id must be >= 1, got " + id);
        }
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkDictionary d && d.id == id && java.util.Arrays.equals(d.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return "ChunkDictionary[" + id + ", " + bytes.length + " bytes]";
    }
}
