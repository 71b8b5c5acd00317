package dev.cinch.logs.fs;

import dev.cinch.logs.LogStream;
import dev.cinch.logs.codec.Crc32c;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One fixed-size entry of {@code open.idx}: entry {@code i} describes chunk seq {@code i}, so a seq is found with
 * one positional read and a byte offset with a binary search. Written after the chunk's frame, so an entry never
 * points at bytes that were not written first. Little-endian:
 * <pre>
 * off size field
 *   0  8   offset of the chunk's frame header in open.log
 *   8  8   raw offset of the chunk in the log's byte view
 *  16  4   raw length
 *  20  4   stored length
 *  24  8   timestamp, epoch ms
 *  32  4   CRC32C of the chunk's raw bytes
 *  36  4   CRC32C of the byte view up to and including this chunk (stat answers from the last entry)
 *  40  1   stream code
 *  41  3   reserved, 0
 *  44  4   CRC32C of bytes 0..43
 * </pre>
 */
record IndexEntry(long fileOffset, long rawOffset, int rawLength, int storedLength, long timestampMillis, int rawCrc,
                  int cumulativeCrc, LogStream stream) {
    static final int BYTES = 48;

    long rawEnd() {
        return rawOffset + rawLength;
    }

    long frameEnd() {
        return fileOffset + ChunkFrame.HEADER_BYTES + storedLength;
    }

    /** The entry as core sees it. */
    dev.cinch.logs.archive.ChunkIndexEntry toChunkEntry(long seq) {
        return new dev.cinch.logs.archive.ChunkIndexEntry(seq, rawOffset, rawLength, stream, timestampMillis, rawCrc);
    }

    void encodeInto(ByteBuffer b) {
        int start = b.position();
        b.order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(fileOffset).putLong(rawOffset).putInt(rawLength).putInt(storedLength).putLong(timestampMillis)
                .putInt(rawCrc).putInt(cumulativeCrc).put((byte) stream.code()).put((byte) 0).putShort((short) 0);
        byte[] tmp = new byte[BYTES - 4];
        b.get(start, tmp);
        b.putInt(Crc32c.of(tmp, 0, tmp.length));
    }

    /** Parses an entry; null when its CRC does not match (a torn or damaged entry). */
    static IndexEntry decode(ByteBuffer src, int at) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] tmp = new byte[BYTES - 4];
        b.get(at, tmp);
        if (Crc32c.of(tmp, 0, tmp.length) != b.getInt(at + BYTES - 4)) {
            return null;
        }
        int streamCode = b.get(at + 40);
        if (streamCode != 0 && streamCode != 1) {
            return null;
        }
        return new IndexEntry(b.getLong(at), b.getLong(at + 8), b.getInt(at + 16), b.getInt(at + 20),
                b.getLong(at + 24), b.getInt(at + 32), b.getInt(at + 36), LogStream.fromCode(streamCode));
    }
}
