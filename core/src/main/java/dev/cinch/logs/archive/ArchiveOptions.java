package dev.cinch.logs.archive;

/**
 * How {@link SeekableArchiveWriter} cuts and compresses a log.
 *
 * <p>The raw byte view is cut into frames of exactly {@code frameRawBytes} bytes (the last frame may be shorter),
 * regardless of chunk boundaries. A read of any byte range decompresses only the frames it touches, so the frame
 * size bounds the work (and memory) of a small read; larger frames compress slightly better. Readers do not need
 * the options: everything they need is in the archive.
 *
 * @param frameRawBytes raw bytes per zstd frame, {@value #MIN_FRAME_RAW_BYTES}..{@value #MAX_FRAME_RAW_BYTES}
 * @param compressionLevel zstd level, {@value #MIN_LEVEL}..{@value #MAX_LEVEL}
 */
public record ArchiveOptions(int frameRawBytes, int compressionLevel) {
    public static final int MIN_FRAME_RAW_BYTES = 64 * 1024;
    public static final int MAX_FRAME_RAW_BYTES = 8 * 1024 * 1024;
    /** 256 KiB: see docs/adr/0001-archive-format.md for the measurements behind the defaults. */
    public static final int DEFAULT_FRAME_RAW_BYTES = 256 * 1024;
    /** 7: with 256 KiB frames, the level that keeps real CI logs above 10.5x at ~170 MB/s (see the ADR). */
    public static final int DEFAULT_LEVEL = 8;
    public static final int MIN_LEVEL = 1;
    /** Levels above 19 ("ultra") need windows larger than a frame; they buy nothing here. */
    public static final int MAX_LEVEL = 19;

    public ArchiveOptions {
        if (frameRawBytes < MIN_FRAME_RAW_BYTES || frameRawBytes > MAX_FRAME_RAW_BYTES) {
            throw new IllegalArgumentException("frameRawBytes must be in " + MIN_FRAME_RAW_BYTES + ".."
                    + MAX_FRAME_RAW_BYTES + ", got " + frameRawBytes);
        }
        if (compressionLevel < MIN_LEVEL || compressionLevel > MAX_LEVEL) {
            throw new IllegalArgumentException("compressionLevel must be in " + MIN_LEVEL + ".." + MAX_LEVEL
                    + ", got " + compressionLevel);
        }
    }

    /** {@value #DEFAULT_FRAME_RAW_BYTES}-byte frames at level {@value #DEFAULT_LEVEL}. */
    public static ArchiveOptions defaults() {
        return new ArchiveOptions(DEFAULT_FRAME_RAW_BYTES, DEFAULT_LEVEL);
    }

    public ArchiveOptions withFrameRawBytes(int frameRawBytes) {
        return new ArchiveOptions(frameRawBytes, compressionLevel);
    }

    public ArchiveOptions withCompressionLevel(int compressionLevel) {
        return new ArchiveOptions(frameRawBytes, compressionLevel);
    }
}
