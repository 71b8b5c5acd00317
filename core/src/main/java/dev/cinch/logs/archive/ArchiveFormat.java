package dev.cinch.logs.archive;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Constants and little-endian helpers of the archive layout. The layout itself is specified in
 * {@code docs/adr/0001-archive-format.md}; any change here must change that document and the format version.
 */
final class ArchiveFormat {
    /** Magic of a regular zstd frame. */
    static final int ZSTD_FRAME_MAGIC = 0xFD2FB528;
    /** Skippable frame holding our chunk index (0x184D2A50 | 0xC); zstd decoders skip it. */
    static final int INDEX_FRAME_MAGIC = 0x184D2A5C;
    /** Skippable frame holding the per-frame trigram filters (0x184D2A50 | 0xB), from index version 3. */
    static final int FILTER_FRAME_MAGIC = 0x184D2A5B;
    /** Skippable frame holding the seek table, fixed by the seekable format. */
    static final int SEEK_TABLE_MAGIC = 0x184D2A5E;
    /** Last four bytes of every seekable archive. */
    static final int SEEKABLE_MAGIC = 0x8F92EAB1;

    static final int SKIPPABLE_HEADER_BYTES = 8;
    static final int SEEK_TABLE_FOOTER_BYTES = 9;
    static final int SEEK_ENTRY_BYTES = 8;
    /** Seek table descriptor: bit 7 = Checksum_Flag, bits 6..2 reserved (must be 0), bits 1..0 unused. */
    static final int DESCRIPTOR_CHECKSUM_FLAG = 0x80;
    static final int DESCRIPTOR_RESERVED_BITS = 0x7C;
    /** The seekable format's own limit on frames per archive. */
    static final int MAX_FRAMES = 0x8000000;

    static final byte[] INDEX_MAGIC = "CINCHIDX".getBytes(StandardCharsets.US_ASCII);
    /**
     * Version 2 added the last chunk's timestamp to the trailer, so {@code stat} of a sealed log needs no index.
     * Version 3 added the filter frame ({@link FrameFilters}) between the data frames and the index frame, and its
     * length to the trailer. Readers accept versions 1 to 3; writers write 3.
     */
    static final int INDEX_VERSION = 3;
    static final int INDEX_VERSION_2 = 2;
    static final int INDEX_VERSION_1 = 1;
    static final int INDEX_FLAG_BODY_COMPRESSED = 0x01;
    /** Trailer length of the current version. */
    static final int INDEX_TRAILER_BYTES = 64;
    static final int INDEX_TRAILER_BYTES_V2 = 60;
    static final int INDEX_TRAILER_BYTES_V1 = 52;
    /**
     * The last 8 bytes of every trailer, whatever its version: u8 version, u8 flags, u16 trailer length, u32 CRC32C
     * of the trailer's other bytes. A reader finds the trailer's length there before it parses the rest.
     */
    static final int TRAILER_END_BYTES = 8;
    /** Body bytes per data frame: u64 first line number. */
    static final int INDEX_FRAME_ENTRY_BYTES = 8;
    /** Body bytes per chunk: u64 rawOffset, u32 length, u8 stream, i64 timestamp, u32 crc32c. */
    static final int INDEX_CHUNK_ENTRY_BYTES = 25;
    /** Smallest possible index frame: header, leading magic, empty body, the shortest (version 1) trailer. */
    static final int MIN_INDEX_FRAME_BYTES = SKIPPABLE_HEADER_BYTES + 8 + INDEX_TRAILER_BYTES_V1;

    // Trailer field offsets, relative to the start of the trailer (the same in both versions up to TR_BODY_CRC).
    static final int TR_FRAME_COUNT = 0;
    static final int TR_CHUNK_COUNT = 4;
    static final int TR_RAW_SIZE = 12;
    static final int TR_LINE_COUNT = 20;
    static final int TR_LOG_CRC = 28;
    static final int TR_BODY_RAW_LENGTH = 32;
    static final int TR_BODY_STORED_LENGTH = 36;
    static final int TR_BODY_CRC = 40;
    /** Version 2 only: i64 timestamp of the last chunk (0 for an empty log). */
    static final int TR_LAST_TIMESTAMP = 44;
    /** Version 3 only: u32 length of the filter frame before the index frame (header included; 0 for none). */
    static final int TR_FILTER_FRAME_LENGTH = 52;
    // Offsets of the common end, relative to the end of the trailer.
    static final int TR_END_VERSION = -8;
    static final int TR_END_FLAGS = -7;
    static final int TR_END_TRAILER_LENGTH = -6;
    static final int TR_END_TRAILER_CRC = -4;

    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ArchiveFormat() {
    }

    static int u16(byte[] b, int at) {
        return Short.toUnsignedInt((short) SHORT_LE.get(b, at));
    }

    static int i32(byte[] b, int at) {
        return (int) INT_LE.get(b, at);
    }

    static long u32(byte[] b, int at) {
        return Integer.toUnsignedLong(i32(b, at));
    }

    static long i64(byte[] b, int at) {
        return (long) LONG_LE.get(b, at);
    }

    static void putI16(byte[] b, int at, int v) {
        SHORT_LE.set(b, at, (short) v);
    }

    static void putI32(byte[] b, int at, int v) {
        INT_LE.set(b, at, v);
    }

    static void putI64(byte[] b, int at, long v) {
        LONG_LE.set(b, at, v);
    }

    static int crcOf(byte[] b, int off, int len) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }

    /** A damaged archive, named by the job and the archive byte where the check failed. */
    static dev.cinch.logs.CorruptLogException corrupt(dev.cinch.logs.JobId job, long archiveOffset, String detail) {
        return new dev.cinch.logs.CorruptLogException(job, "archive byte " + archiveOffset + ": " + detail);
    }

    static String hex(int v) {
        return String.format("0x%08X", v);
    }

    /** A growable little-endian byte buffer; the writer keeps the index in two of these. */
    static final class LittleEndianBuffer {
        private byte[] bytes;
        private int size;

        LittleEndianBuffer(int initialCapacity) {
            bytes = new byte[Math.max(16, initialCapacity)];
        }

        int size() {
            return size;
        }

        byte[] array() {
            return bytes;
        }

        LittleEndianBuffer putU8(int v) {
            ensure(1);
            bytes[size++] = (byte) v;
            return this;
        }

        LittleEndianBuffer putI32(int v) {
            ensure(4);
            INT_LE.set(bytes, size, v);
            size += 4;
            return this;
        }

        LittleEndianBuffer putI64(long v) {
            ensure(8);
            LONG_LE.set(bytes, size, v);
            size += 8;
            return this;
        }

        /** Makes room for {@code more} bytes, or throws without changing anything. */
        void reserve(int more) {
            ensure(more);
        }

        private void ensure(int more) {
            if (bytes.length - size < more) {
                long wanted = Math.max((long) bytes.length * 2, (long) size + more);
                if (wanted > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("archive index larger than 2 GiB");
                }
                bytes = java.util.Arrays.copyOf(bytes, (int) wanted);
            }
        }
    }
}
