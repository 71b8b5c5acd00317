package dev.cinch.logs.storage;

import dev.cinch.logs.codec.ChunkDictionary;

import java.io.IOException;
import java.util.Optional;

/**
 * An optional ability of a {@link LogStorage}: it keeps zstd dictionaries for chunk bodies. Core then compresses new
 * chunks with {@link #current()} and reads each stored chunk with the dictionary its body records. A storage without
 * this ability stores chunks compressed without a dictionary.
 */
public interface ChunkDictionaries {

    /** The dictionary new chunks are compressed with, if there is one yet. Called per append: must be cheap. */
    Optional<ChunkDictionary> current();

    /**
     * Dictionary {@code id}, as recorded by a stored chunk.
     *
     * @throws IOException when it cannot be read; an id the storage never had is reported by core as corruption
     */
    Optional<ChunkDictionary> dictionary(int id) throws IOException;
}
