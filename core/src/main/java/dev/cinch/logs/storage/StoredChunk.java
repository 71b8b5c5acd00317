package dev.cinch.logs.storage;

import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.codec.EncodedChunk;

/**
 * One chunk as a backend stores it: where it lies in the log ({@code entry}) and its encoded body. Backends store
 * and return both as they are; encoding, decoding and every check of the bytes happen in core.
 *
 * @param entry seq, raw offset and length, stream, timestamp and CRC32C of the raw bytes
 * @param body the stored payload with its encoding and dictionary id
 */
public record StoredChunk(ChunkIndexEntry entry, EncodedChunk body) {
    public long seq() {
        return entry.seq();
    }
}
