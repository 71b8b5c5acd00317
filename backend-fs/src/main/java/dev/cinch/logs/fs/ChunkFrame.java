package dev.cinch.logs.fs;

import dev.cinch.logs.LogStream;
import dev.cinch.logs.codec.ChunkEncoding;
import dev.cinch.logs.codec.Crc32c;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Header of one chunk in {@code open.log}; the stored payload follows it. Little-endian:
 * <pre>
 * off size field
 *   0  4   magic 0x314B4843 ("CHK1")
 *   4  8   seq
 *  12  1   stream code (0 stdout, 1 stderr)
 *  13  1   encoding (0 raw, 1 zstd)
 *  14  2   reserved, 0
 *  16  4   zstd dictionary id, 0 for none
 *  20  8   timestamp, epoch ms
 *  28  4   raw length
 *  32  4   stored (payload) length
 *  36  4   CRC32C of the raw bytes
 *  40  4   CRC32C of the payload (lets recovery check a torn tail without decompressing)
 *  44  4   CRC32C of bytes 0..43
 * </pre>
 */
record ChunkFrame(long seq, LogStream stream, ChunkEncoding encoding, int dictionaryId, long timestampMillis,
                  int rawLength, int storedLength, int rawCrc, int payloadCrc) {
    static final int MAGIC = 0x314B4843;
    static final int HEADER_BYTES = 48;

    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putLong(seq).put((byte) stream.code()).put((byte) encoding.code()).putShort((short) 0)
                .putInt(dictionaryId).putLong(timestampMillis).putInt(rawLength).putInt(storedLength)
                .putInt(rawCrc).putInt(payloadCrc);
        b.putInt(Crc32c.of(b.array(), 0, HEADER_BYTES - 4));
        return b.flip();
    }

    /** Parses a header; null when the bytes are not a valid header (torn or overwritten). */
    static ChunkFrame decode(ByteBuffer src) {
        if (src.remaining() < HEADER_BYTES) {
            return null;
        }
        ByteBuffer b = src.slice().order(ByteOrder.LITTLE_ENDIAN);
        byte[] raw = new byte[HEADER_BYTES];
        b.get(raw);
        b.rewind();
        if (b.getInt(0) != MAGIC || Crc32c.of(raw, 0, HEADER_BYTES - 4) != b.getInt(HEADER_BYTES - 4)) {
            return null;
        }
        try {
            return new ChunkFrame(b.getLong(4), LogStream.fromCode(b.get(12)), ChunkEncoding.fromCode(b.get(13)),
                    b.getInt(16), b.getLong(20), b.getInt(28), b.getInt(32), b.getInt(36), b.getInt(40));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
