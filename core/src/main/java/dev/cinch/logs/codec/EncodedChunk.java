package dev.cinch.logs.codec;

import java.util.Arrays;

/**
 * A chunk body as stored: the payload (zstd frame, or the raw bytes when compression would not shrink them),
 * the raw length and the raw bytes' CRC32C.
 *
 * @param payload stored bytes
 * @param rawLength length of the original bytes
 * @param crc32c CRC32C of the original bytes
 * @param encoding how payload is encoded
 * @param dictionaryId id of the zstd dictionary used, 0 for none
 */
public record EncodedChunk(byte[] payload, int rawLength, int crc32c, ChunkEncoding encoding, int dictionaryId) {

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedChunk e && rawLength == e.rawLength && crc32c == e.crc32c && encoding == e.encoding
                && dictionaryId == e.dictionaryId && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload) * 31 + crc32c;
    }

    @Override
    public String toString() {
        return "EncodedChunk[stored=" + payload.length + ", raw=" + rawLength + ", encoding=" + encoding + "]";
    }
}
