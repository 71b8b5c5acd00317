package dev.cinch.logs.archive;

import static dev.cinch.logs.archive.ArchiveFormat.*;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStoreIOException;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.text.LineSlice;
import dev.cinch.logs.text.TailLines;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Reads an archive written by {@link SeekableArchiveWriter} (layout: {@code docs/adr/0001-archive-format.md}).
 *
 * <p><b>Cost model.</b> {@link #open} does one positional read of the last 64 KiB (two reads when the seek table
 * is larger), which yields the seek table and the index trailer (sizes, counts, whole-log checksum). A byte range
 * decompresses only the frames it touches (compressed bytes of neighbouring frames are fetched in one read). The
 * chunk index is read and parsed once, on the first call that needs it ({@link #readChunks}, {@link #chunk},
 * {@link #verifyAll}), and kept for the life of the reader. {@link #frame} gives one whole data frame (the unit
 * backward reads such as a tail walk in). No call scans the log, except {@link #verifyAll} and {@link #copyVerified}.
 *
 * <p><b>Integrity.</b> Structure is validated at open (magic numbers, reserved bits, sizes adding up to the file
 * size, the trailer's own CRC32C); every data frame is checked by zstd's content checksum and its sizes against
 * the seek table; chunks returned by {@link #readChunks} are checked against their CRC32C. Any mismatch throws
 * {@link CorruptLogException} naming the job and the archive byte offset (or the chunk seq): wrong bytes are never
 * returned. Failures of the source throw {@link LogStoreIOException}.
 *
 * <p><b>Threads.</b> Safe for any number of concurrent readers; the lazy index load happens once. The reader does
 * not own the {@link ByteSource}: the caller closes it, after the last read.
 */
public final class SeekableArchiveReader {
    /** How much of the file end {@link #open} reads in its first (usually only) read. */
    static final int TAIL_READ_BYTES = 64 * 1024;
    /** Compressed bytes fetched per read when a range spans many frames. */
    private static final int READ_BATCH_BYTES = 16 * 1024 * 1024;
    /** {@link #readChunks} stops adding chunks once a page holds this many bytes (it always returns one). */
    static final int MAX_PAGE_BYTES = dev.cinch.logs.LogStore.MAX_PAGE_BYTES;

    private final ByteSource source;
    private final JobId job;
    private final FrameCache frameCache;
    /** This reader's identity in {@link #frameCache}: frames of another archive can never be mistaken for ours. */
    private final Object cacheKey = new Object();
    private final long archiveSize;
    /** Archive offset of data frame i; element [frameCount] is where the data frames end. */
    private final long[] frameArchiveOffset;
    /** Raw (byte view) offset of data frame i; element [frameCount] is the raw size. */
    private final long[] frameRawOffset;
    private final int frameCount;
    private final IndexTrailer trailer;
    private final long indexFrameOffset;
    private final int indexFrameLength;
    /** Where the filter frame starts (the end of the data frames) and its length; 0 in archives before version 3. */
    private final long filterFrameOffset;
    private final int filterFrameLength;
    private volatile FrameFilters.Filters filters;
    private final Object indexLock = new Object();
    /** The index frame when the open read already covered it; dropped once the index is parsed. Guarded by indexLock. */
    private byte[] prefetchedIndexFrame;
    private volatile ChunkIndex index;

    /** The fixed-size end of the index payload, readable without the index body. */
    private record IndexTrailer(int frameCount, long chunkCount, long rawSize, long lineCount, int logCrc,
            int bodyRawLength, int bodyStoredLength, int bodyCrc, int flags, long lastTimestampMillis,
            long filterFrameLength) {
    }

    /** The parsed chunk index: parallel arrays, 33 bytes of heap per chunk. */
    private record ChunkIndex(long[] frameFirstLine, long[] offsets, int[] lengths, byte[] streams, long[] timestamps,
            int[] crcs) {
    }

    private SeekableArchiveReader(ByteSource source, JobId job, FrameCache frameCache, long archiveSize,
            long[] frameArchiveOffset, long[] frameRawOffset, IndexTrailer trailer, long indexFrameOffset,
            int indexFrameLength, byte[] prefetchedIndexFrame) {
        this.filterFrameOffset = frameArchiveOffset[frameArchiveOffset.length - 1];
        this.filterFrameLength = (int) trailer.filterFrameLength();
        this.source = source;
        this.job = job;
        this.frameCache = frameCache;
        this.archiveSize = archiveSize;
        this.frameArchiveOffset = frameArchiveOffset;
        this.frameRawOffset = frameRawOffset;
        this.frameCount = frameRawOffset.length - 1;
        this.trailer = trailer;
        this.indexFrameOffset = indexFrameOffset;
        this.indexFrameLength = indexFrameLength;
        this.prefetchedIndexFrame = prefetchedIndexFrame;
    }

    /**
     * Opens an archive: reads and validates the seek table and the index trailer (one read of the last 64 KiB; a
     * second one only when the seek table is larger, i.e. beyond about 8000 frames).
     *
     * @param job the log the archive belongs to; used in error messages
     * @throws CorruptLogException if the archive's structure is wrong (bad magic, reserved bits set, sizes that do
     *     not add up to the file size, a trailer whose checksum fails, ...)
     * @throws LogStoreIOException if the source fails
     */
    public static SeekableArchiveReader open(ByteSource source, JobId job) {
        return open(source, job, FrameCache.disabled());
    }

    /**
     * {@link #open(ByteSource, JobId)} with a cache of decompressed frames shared with other readers: range, chunk and
     * tail reads take frames from it and put the ones they decompress into it ({@link #verifyAll} and
     * {@link #copyVerified} always decompress, and leave it alone).
     */
    public static SeekableArchiveReader open(ByteSource source, JobId job, FrameCache frameCache) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(frameCache, "frameCache");
        Objects.requireNonNull(job, "job");
        long size = source.size();
        long minimum = SKIPPABLE_HEADER_BYTES + SEEK_TABLE_FOOTER_BYTES + MIN_INDEX_FRAME_BYTES;
        if (size < minimum) {
            throw corrupt(job, 0, "archive is " + size + " bytes, shorter than the smallest valid archive (" + minimum
                    + ")");
        }
        int tailLength = (int) Math.min(size, TAIL_READ_BYTES);
        long tailStart = size - tailLength;
        byte[] tail = read(source, job, tailStart, tailLength);

        int magic = i32(tail, tailLength - 4);
        if (magic != SEEKABLE_MAGIC) {
            throw corrupt(job, size - 4, "seekable magic number is " + hex(magic) + ", expected " + hex(SEEKABLE_MAGIC)
                    + " (truncated or not an archive)");
        }
        int descriptor = tail[tailLength - 5] & 0xFF;
        if ((descriptor & DESCRIPTOR_RESERVED_BITS) != 0) {
            throw corrupt(job, size - 5, "seek table descriptor has reserved bits set: " + descriptor);
        }
        if ((descriptor & DESCRIPTOR_CHECKSUM_FLAG) != 0) {
            // Our writer never sets it (zstd's per-frame content checksum covers the data); accepting it would mean
            // accepting XXH64 checksums that nothing here verifies.
            throw corrupt(job, size - 5, "seek table has Checksum_Flag set, which this format never writes");
        }
        long frames = u32(tail, tailLength - 9);
        if (frames > MAX_FRAMES) {
            throw corrupt(job, size - 9, "seek table claims " + frames + " frames, more than the format allows");
        }
        long seekTableLength = SKIPPABLE_HEADER_BYTES + frames * SEEK_ENTRY_BYTES + SEEK_TABLE_FOOTER_BYTES;
        if (size - seekTableLength < MIN_INDEX_FRAME_BYTES) {
            throw corrupt(job, size - 9, "seek table of " + frames + " frames does not fit in a " + size
                    + "-byte archive");
        }
        long needed = Math.min(size, seekTableLength + INDEX_TRAILER_BYTES);
        if (needed > tailLength) {
            tailLength = (int) needed;
            tailStart = size - needed;
            tail = read(source, job, tailStart, tailLength);
        }
        long seekTableStart = size - seekTableLength;
        int st = (int) (seekTableStart - tailStart);
        if (i32(tail, st) != SEEK_TABLE_MAGIC) {
            throw corrupt(job, seekTableStart, "seek table frame magic is " + hex(i32(tail, st)) + ", expected "
                    + hex(SEEK_TABLE_MAGIC));
        }
        if (u32(tail, st + 4) != seekTableLength - SKIPPABLE_HEADER_BYTES) {
            throw corrupt(job, seekTableStart + 4, "seek table Frame_Size is " + u32(tail, st + 4) + ", expected "
                    + (seekTableLength - SKIPPABLE_HEADER_BYTES) + " for " + frames + " frames");
        }

        int n = (int) frames;
        long[] archiveOffsets = new long[n + 1];
        long[] rawOffsets = new long[n + 1];
        for (int i = 0; i < n; i++) {
            int at = st + SKIPPABLE_HEADER_BYTES + i * SEEK_ENTRY_BYTES;
            long compressedSize = u32(tail, at);
            long rawSize = u32(tail, at + 4);
            if (rawSize == 0 || rawSize > ArchiveOptions.MAX_FRAME_RAW_BYTES
                    || compressedSize == 0 || compressedSize > Zstd.compressBound(rawSize) + 64) {
                throw corrupt(job, tailStart + at, "seek table entry " + i + " has impossible sizes: compressed "
                        + compressedSize + ", decompressed " + rawSize);
            }
            archiveOffsets[i + 1] = archiveOffsets[i] + compressedSize;
            rawOffsets[i + 1] = rawOffsets[i] + rawSize;
        }
        long dataEnd = archiveOffsets[n];
        long afterData = seekTableStart - dataEnd;
        if (afterData < MIN_INDEX_FRAME_BYTES || afterData > Integer.MAX_VALUE - 16) {
            throw corrupt(job, seekTableStart, "data frames listed in the seek table end at " + dataEnd
                    + ", leaving " + afterData + " bytes for the index frame before the seek table");
        }

        // The trailer's last 8 bytes say how long it is (52 in version 1, 60 in version 2, 64 in version 3).
        int trailerLength = u16(tail, (int) (seekTableStart - tailStart) + TR_END_TRAILER_LENGTH);
        if (trailerLength != INDEX_TRAILER_BYTES && trailerLength != INDEX_TRAILER_BYTES_V2
                && trailerLength != INDEX_TRAILER_BYTES_V1) {
            throw corrupt(job, seekTableStart + TR_END_TRAILER_LENGTH, "index trailer length " + trailerLength
                    + ", expected " + INDEX_TRAILER_BYTES_V1 + ", " + INDEX_TRAILER_BYTES_V2 + " or " + INDEX_TRAILER_BYTES);
        }
        long trailerStart = seekTableStart - trailerLength;
        IndexTrailer trailer = parseTrailer(job, tail, (int) (trailerStart - tailStart), trailerLength, trailerStart);
        if (trailer.frameCount() != n) {
            throw corrupt(job, trailerStart, "index lists " + Integer.toUnsignedString(trailer.frameCount())
                    + " frames, seek table " + n);
        }
        if (trailer.rawSize() != rawOffsets[n]) {
            throw corrupt(job, trailerStart, "index raw size " + trailer.rawSize() + " differs from the seek table's "
                    + rawOffsets[n]);
        }
        long expectedIndexLength = SKIPPABLE_HEADER_BYTES + INDEX_MAGIC.length
                + Integer.toUnsignedLong(trailer.bodyStoredLength()) + trailerLength;
        if (expectedIndexLength + trailer.filterFrameLength() != afterData) {
            throw corrupt(job, dataEnd, (trailer.filterFrameLength() == 0 ? "index frame is " + afterData
                    : "filter and index frames are " + afterData) + " bytes, its trailer implies "
                    + (expectedIndexLength + trailer.filterFrameLength()));
        }
        long indexFrameOffset = dataEnd + trailer.filterFrameLength();
        int indexLength = (int) expectedIndexLength;

        byte[] prefetched = null;
        if (indexFrameOffset >= tailStart) {
            int from = (int) (indexFrameOffset - tailStart);
            prefetched = Arrays.copyOfRange(tail, from, from + indexLength);
        }
        return new SeekableArchiveReader(source, job, frameCache, size, archiveOffsets, rawOffsets, trailer,
                indexFrameOffset, indexLength, prefetched);
    }

    private static IndexTrailer parseTrailer(JobId job, byte[] b, int at, int length, long archiveOffset) {
        int end = at + length;
        int crc = crcOf(b, at, length + TR_END_TRAILER_CRC);
        if (crc != i32(b, end + TR_END_TRAILER_CRC)) {
            throw corrupt(job, archiveOffset, "index trailer CRC32C mismatch (stored "
                    + hex(i32(b, end + TR_END_TRAILER_CRC)) + ", computed " + hex(crc) + ")");
        }
        int version = b[end + TR_END_VERSION] & 0xFF;
        int expectedLength = version == INDEX_VERSION ? INDEX_TRAILER_BYTES
                : version == INDEX_VERSION_2 ? INDEX_TRAILER_BYTES_V2
                : version == INDEX_VERSION_1 ? INDEX_TRAILER_BYTES_V1 : -1;
        if (expectedLength < 0) {
            throw corrupt(job, archiveOffset + length + TR_END_VERSION, "index version " + version
                    + " is not supported (expected " + INDEX_VERSION_1 + " to " + INDEX_VERSION + ")");
        }
        if (expectedLength != length) {
            throw corrupt(job, archiveOffset + length + TR_END_TRAILER_LENGTH, "index trailer length " + length
                    + " does not match version " + version + " (" + expectedLength + ")");
        }
        int flags = b[end + TR_END_FLAGS] & 0xFF;
        if ((flags & ~INDEX_FLAG_BODY_COMPRESSED) != 0) {
            throw corrupt(job, archiveOffset + length + TR_END_FLAGS, "index flags have unknown bits set: " + flags);
        }
        // Version 1 did not record the last timestamp: it is read from the chunk index when asked for.
        long lastTimestamp = version >= 2 ? i64(b, at + TR_LAST_TIMESTAMP) : -1;
        // Before version 3 there were no filters: a search reads every frame.
        long filterFrameLength = version >= 3 ? u32(b, at + TR_FILTER_FRAME_LENGTH) : 0;
        if (version >= 3 && (filterFrameLength < SKIPPABLE_HEADER_BYTES + FrameFilters.HEADER_BYTES + 4
                || filterFrameLength > Integer.MAX_VALUE - 16)) {
            throw corrupt(job, archiveOffset + TR_FILTER_FRAME_LENGTH, "index trailer filter frame length "
                    + filterFrameLength + " is impossible");
        }
        long chunkCount = i64(b, at + TR_CHUNK_COUNT);
        long rawSize = i64(b, at + TR_RAW_SIZE);
        long lineCount = i64(b, at + TR_LINE_COUNT);
        long frames = u32(b, at + TR_FRAME_COUNT);
        long bodyRaw = u32(b, at + TR_BODY_RAW_LENGTH);
        long bodyStored = u32(b, at + TR_BODY_STORED_LENGTH);
        boolean compressed = (flags & INDEX_FLAG_BODY_COMPRESSED) != 0;
        if (chunkCount < 0 || rawSize < 0 || lineCount < 0 || lineCount > rawSize
                || (chunkCount == 0 && rawSize != 0)
                || chunkCount > (Integer.MAX_VALUE - 16) / INDEX_CHUNK_ENTRY_BYTES
                || bodyRaw != frames * INDEX_FRAME_ENTRY_BYTES + chunkCount * INDEX_CHUNK_ENTRY_BYTES
                || bodyStored > Integer.MAX_VALUE - 16
                || (!compressed && bodyStored != bodyRaw)) {
            throw corrupt(job, archiveOffset, "index trailer is inconsistent: chunks " + chunkCount + ", raw size "
                    + rawSize + ", lines " + lineCount + ", frames " + frames + ", body " + bodyRaw + " raw / "
                    + bodyStored + " stored bytes");
        }
        if (version >= 2 && (lastTimestamp < 0 || (chunkCount == 0 && lastTimestamp != 0))) {
            throw corrupt(job, archiveOffset + TR_LAST_TIMESTAMP, "index trailer last timestamp " + lastTimestamp
                    + " is impossible for " + chunkCount + " chunks");
        }
        return new IndexTrailer((int) frames, chunkCount, rawSize, lineCount, i32(b, at + TR_LOG_CRC), (int) bodyRaw,
                (int) bodyStored, i32(b, at + TR_BODY_CRC), flags, lastTimestamp, filterFrameLength);
    }

    /**
     * The data frames that may hold {@code literal} (see {@link FrameFilters}: never one left out that does), or
     * empty when the archive cannot tell: written before filters existed (index version 1 or 2), or a literal shorter
     * than three bytes or longer than a frame. Reads the filter frame once per reader (about 4% of the archive).
     */
    public java.util.Optional<java.util.BitSet> framesThatMayContain(byte[] literal) {
        if (filterFrameLength == 0) {
            return java.util.Optional.empty();
        }
        FrameFilters.Filters loaded = filters;
        if (loaded == null) {
            loaded = FrameFilters.Filters.parse(job, read(source, job, filterFrameOffset, filterFrameLength),
                    filterFrameOffset, frameCount);
            filters = loaded;
        }
        long smallest = Long.MAX_VALUE;
        for (int f = 0; f < frameCount; f++) {
            smallest = Math.min(smallest, frameRawOffset[f + 1] - frameRawOffset[f]);
        }
        return java.util.Optional.ofNullable(loaded.framesThatMayContain(literal, (int) Math.min(smallest, Integer.MAX_VALUE)));
    }

    /** The bytes the filter frame takes in the archive (0 before index version 3). */
    public long filterFrameBytes() {
        return filterFrameLength;
    }

    /** Length of the log's byte view. From the seek table; no I/O. */
    public long rawSize() {
        return trailer.rawSize();
    }

    /** Number of chunks in the log. No I/O. */
    public long chunkCount() {
        return trailer.chunkCount();
    }

    /** CRC32C of the whole byte view, as recorded when the archive was written. No I/O; not re-verified here. */
    public int crc32c() {
        return trailer.logCrc();
    }

    /** Number of {@code '\n'} bytes in the byte view. No I/O. */
    public long lineCount() {
        return trailer.lineCount();
    }

    /**
     * Timestamp of the last chunk, 0 for an empty log. From the trailer (no I/O) for archives of index version 2;
     * version 1 archives did not record it, so it comes from the chunk index (loaded on first use).
     */
    public long lastTimestampMillis() {
        if (trailer.lastTimestampMillis() >= 0) {
            return trailer.lastTimestampMillis();
        }
        return chunkCount() == 0 ? 0 : chunk(chunkCount() - 1).timestampMillis();
    }

    /** Number of zstd data frames. No I/O. */
    public int frameCount() {
        return frameCount;
    }

    /** Raw (byte view) offset where data frame {@code f} starts; {@code f == frameCount()} gives the raw size. */
    public long frameRawOffset(int f) {
        Objects.checkIndex(f, frameCount + 1);
        return frameRawOffset[f];
    }

    /** Compressed size in the archive of data frame {@code f}: what a range read of that frame fetches. No I/O. */
    public long frameStoredSize(int f) {
        Objects.checkIndex(f, frameCount);
        return frameArchiveOffset[f + 1] - frameArchiveOffset[f];
    }

    /** Index of the data frame holding raw byte {@code position}, {@code 0 <= position < rawSize()}. */
    public int frameAt(long position) {
        Objects.checkIndex(position, rawSize());
        return frameContaining(position);
    }

    /**
     * The raw bytes of data frame {@code f}, decompressed and checked (zstd content checksum, sizes against the seek
     * table); one read of its compressed bytes.
     *
     * @throws CorruptLogException naming the frame's archive offset when a check fails
     */
    public byte[] frame(int f) {
        Objects.checkIndex(f, frameCount);
        return readFrame(f).clone();
    }

    /** Size of the whole archive in bytes. No I/O. */
    public long archiveSize() {
        return archiveSize;
    }

    /**
     * Bytes {@code [offset, offset + length)} of the byte view, cut short at the end of the log (so an offset equal
     * to {@link #rawSize()} gives an empty array). Decompresses only the frames the range touches.
     *
     * @throws InvalidRangeException if {@code offset < 0}, {@code offset > rawSize()} or {@code length < 0}
     * @throws CorruptLogException if a touched frame fails its checks
     */
    public byte[] readRange(long offset, int length) {
        byte[] out = new byte[answerLength(offset, length)];
        copyRange(offset, out, 0, out.length);
        return out;
    }

    /**
     * {@link #readRange(long, int)} into {@code dst} from {@code dstOffset}, which must have room for {@code length}
     * bytes; returns how many were written.
     */
    public int readRange(long offset, byte[] dst, int dstOffset, int length) {
        int n = answerLength(offset, length);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        copyRange(offset, dst, dstOffset, n);
        return n;
    }

    /** How many bytes a range read answers (cut short at the end of the log), after checking its arguments. */
    private int answerLength(long offset, int length) {
        if (offset < 0 || offset > rawSize() || length < 0) {
            throw new InvalidRangeException(job, "byte range offset " + offset + ", length " + length
                    + " is outside the log's " + rawSize() + " bytes");
        }
        return (int) (Math.min(rawSize(), offset + length) - offset);
    }

    /**
     * Up to {@code maxChunks} chunks starting at seq {@code fromSeq}, in order, each checked against its CRC32C.
     * Returns fewer at the end of the log, or when the page would exceed 32 MiB of data (a page always holds at
     * least one chunk when one exists); the caller continues from the last seq + 1. Loads the index on first use.
     *
     * @throws InvalidRangeException if {@code fromSeq < 0}, {@code fromSeq > chunkCount()} or {@code maxChunks < 0}
     * @throws CorruptLogException naming the seq of a chunk whose bytes fail their CRC32C
     */
    public List<LogChunk> readChunks(long fromSeq, int maxChunks) {
        if (fromSeq < 0 || fromSeq > chunkCount() || maxChunks < 0) {
            throw new InvalidRangeException(job, "chunks from seq " + fromSeq + " (max " + maxChunks
                    + ") are outside the log's " + chunkCount() + " chunks");
        }
        ChunkIndex idx = index();
        int from = (int) fromSeq;
        int to = from;
        long bytes = 0;
        while (to < idx.lengths().length && to - from < maxChunks) {
            long next = bytes + idx.lengths()[to];
            if (to > from && next > MAX_PAGE_BYTES) {
                break;
            }
            bytes = next;
            to++;
        }
        if (to == from) {
            return List.of();
        }
        byte[] raw = new byte[(int) bytes];
        copyRange(idx.offsets()[from], raw, 0, raw.length);
        List<LogChunk> chunks = new ArrayList<>(to - from);
        int at = 0;
        for (int seq = from; seq < to; seq++) {
            int length = idx.lengths()[seq];
            int crc = crcOf(raw, at, length);
            if (crc != idx.crcs()[seq]) {
                throw new CorruptLogException(job, "chunk seq " + seq + " (raw offset " + idx.offsets()[seq]
                        + "): CRC32C " + hex(crc) + " differs from the index's " + hex(idx.crcs()[seq]));
            }
            chunks.add(new LogChunk(seq, LogStream.fromCode(idx.streams()[seq]), idx.timestamps()[seq],
                    Arrays.copyOfRange(raw, at, at + length)));
            at += length;
        }
        return chunks;
    }

    /**
     * The index entry of chunk {@code seq}. Loads the index on first use; then no I/O.
     *
     * @throws InvalidRangeException if {@code seq} is not in {@code [0, chunkCount())}
     */
    public ChunkIndexEntry chunk(long seq) {
        if (seq < 0 || seq >= chunkCount()) {
            throw new InvalidRangeException(job, "chunk seq " + seq + " is outside the log's " + chunkCount()
                    + " chunks");
        }
        ChunkIndex idx = index();
        int i = (int) seq;
        return new ChunkIndexEntry(seq, idx.offsets()[i], idx.lengths()[i], LogStream.fromCode(idx.streams()[i]),
                idx.timestamps()[i], idx.crcs()[i]);
    }

    /**
     * The last {@code n} lines of the log, exactly as {@code tail -n n} prints them ({@link TailLines}), walking
     * frames backwards from the last, each decompressed once: the cost is the answer plus at most one frame, and an
     * answer over {@link dev.cinch.logs.LogStore#MAX_READ_BYTES} is refused as soon as that is certain.
     *
     * @throws InvalidRangeException if {@code n < 0} or the answer would exceed the read limit
     */
    public byte[] tailLines(int n) {
        return TailLines.read(job, rawSize(), n, end -> {
            int f = frameContaining(end - 1);
            return new TailLines.Block(frameRawOffset[f], readFrame(f));
        });
    }

    /**
     * Lines {@code [fromLine, fromLine + count)}, exactly as {@code sed -n} prints them ({@link LineSlice}). The frame
     * to start from comes from the index's per-frame line numbers (the number of {@code \n} before each frame's first
     * byte): the last frame with fewer than {@code fromLine - 1} newlines before it holds the newline that ends line
     * {@code fromLine - 1}. Frames are then decompressed forwards, each once, until the answer is complete: the cost is
     * the answer plus at most one frame on each side. Loads the index on first use.
     *
     * @throws InvalidRangeException as {@link dev.cinch.logs.LogStore#readLines} says
     */
    public byte[] readLines(long fromLine, int count) {
        LineSlice.checkArguments(job, fromLine, count);
        if (count == 0 || frameCount == 0) {
            return LineSlice.read(job, fromLine, count, 0, () -> null);
        }
        int first = frameBeforeNewline(fromLine - 1);
        long before = index().frameFirstLine()[first];
        int[] next = {first};
        return LineSlice.read(job, fromLine, count, before, () -> {
            int f = next[0]++;
            return f < frameCount ? new LineSlice.Block(frameRawOffset[f], readFrame(f)) : null;
        });
    }

    /**
     * The frame holding the {@code n}-th {@code \n} of the log ({@code n >= 1}), or frame 0 for {@code n == 0}: the last
     * frame whose first line number is below {@code n} (the last frame when the log has fewer newlines).
     */
    private int frameBeforeNewline(long n) {
        long[] firstLine = index().frameFirstLine();
        int lo = 0;
        int hi = frameCount - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstLine[mid] < n) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * The number of {@code \n} bytes before data frame {@code f}'s first byte, from the index (loaded on first use).
     */
    public long frameFirstLine(int f) {
        Objects.checkIndex(f, frameCount);
        return index().frameFirstLine()[f];
    }

    /**
     * Decompresses the whole archive once and checks everything: every frame (zstd checksum, sizes), every chunk's
     * CRC32C, each frame's first line number, the line count and the whole-log CRC32C. Meant for importing an
     * archive from elsewhere; memory stays at one read batch.
     *
     * @throws CorruptLogException at the first failing check, naming the frame's archive offset or the chunk seq
     */
    public void verifyAll() {
        copyVerified(OutputStream.nullOutputStream());
    }

    /**
     * Writes the archive's bytes to {@code out}, exactly as stored, checking everything {@link #verifyAll} checks on
     * the way: data frames are written only after they passed, the index and seek table once the whole log has. So
     * an export or a tier move never passes damage on silently; on damage the output stops short (the caller discards
     * it) and the exception names the archive offset or chunk seq.
     *
     * @throws CorruptLogException at the first failing check
     * @throws LogStoreIOException when reading the source or writing {@code out} fails
     */
    public void copyVerified(OutputStream out) {
        ChunkIndex idx = index();
        ChunkVerifier chunks = new ChunkVerifier(idx);
        CRC32C whole = new CRC32C();
        long lines = 0;
        int f = 0;
        while (f < frameCount) {
            int batchEnd = f + 1;
            while (batchEnd < frameCount && frameArchiveOffset[batchEnd + 1] - frameArchiveOffset[f] <= READ_BATCH_BYTES) {
                batchEnd++;
            }
            long batchStart = frameArchiveOffset[f];
            byte[] packed = read(source, job, batchStart, (int) (frameArchiveOffset[batchEnd] - batchStart));
            for (int g = f; g < batchEnd; g++) {
                if (idx.frameFirstLine()[g] != lines) {
                    throw corrupt(job, frameArchiveOffset[g], "index says frame " + g + " starts at line "
                            + idx.frameFirstLine()[g] + ", the data says " + lines);
                }
                byte[] raw = decompressFrame(g, packed, (int) (frameArchiveOffset[g] - batchStart));
                whole.update(raw, 0, raw.length);
                lines += SeekableArchiveWriter.countNewlines(raw, 0, raw.length);
                chunks.feed(raw);
            }
            write(out, packed, 0, packed.length, batchStart);
            f = batchEnd;
        }
        chunks.finish();
        if (lines != lineCount()) {
            throw corrupt(job, indexFrameOffset, "index line count " + lineCount() + " differs from the data's "
                    + lines);
        }
        if ((int) whole.getValue() != crc32c()) {
            throw corrupt(job, indexFrameOffset, "whole-log CRC32C " + hex((int) whole.getValue())
                    + " differs from the index's " + hex(crc32c()));
        }
        // The filter frame is checked here (its CRC and structure), the index frame when it was parsed, and the seek
        // table and trailer at open.
        long rest = archiveSize - filterFrameOffset;
        byte[] end = read(source, job, filterFrameOffset, (int) rest);
        if (filterFrameLength > 0) {
            FrameFilters.Filters.parse(job, Arrays.copyOf(end, filterFrameLength), filterFrameOffset, frameCount);
        }
        write(out, end, 0, (int) rest, filterFrameOffset);
    }

    private void write(OutputStream out, byte[] b, int off, int len, long archiveOffset) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new LogStoreIOException(job, "writing archive bytes from offset " + archiveOffset, e);
        }
    }

    /** Checks chunk CRCs while the byte view streams past in frame-sized pieces. */
    private final class ChunkVerifier {
        private final ChunkIndex idx;
        private final CRC32C crc = new CRC32C();
        private int seq;
        private long remaining;

        ChunkVerifier(ChunkIndex idx) {
            this.idx = idx;
            this.remaining = idx.lengths().length > 0 ? idx.lengths()[0] : 0;
        }

        void feed(byte[] raw) {
            int at = 0;
            while (true) {
                settleCompleteChunks();
                if (at == raw.length) {
                    return;
                }
                if (seq == idx.lengths().length) {
                    // Unreachable after index validation (chunk lengths sum to the frames' sizes); never spin.
                    throw new CorruptLogException(job, "raw offset " + rawSize()
                            + ": data continues after the last chunk");
                }
                int take = (int) Math.min(remaining, raw.length - at);
                crc.update(raw, at, take);
                at += take;
                remaining -= take;
            }
        }

        void finish() {
            settleCompleteChunks();
            if (seq != idx.lengths().length) {
                throw new CorruptLogException(job, "chunk seq " + seq + ": the data ended before this chunk did");
            }
        }

        private void settleCompleteChunks() {
            int count = idx.lengths().length;
            while (seq < count && remaining == 0) {
                if ((int) crc.getValue() != idx.crcs()[seq]) {
                    throw new CorruptLogException(job, "chunk seq " + seq + " (raw offset " + idx.offsets()[seq]
                            + "): CRC32C " + hex((int) crc.getValue()) + " differs from the index's "
                            + hex(idx.crcs()[seq]));
                }
                crc.reset();
                seq++;
                remaining = seq < count ? idx.lengths()[seq] : 0;
            }
        }
    }

    // ---- frames ----

    /**
     * Copies raw bytes {@code [from, from + len)} into {@code dst}, decompressing only the frames touched that the
     * frame cache does not hold.
     */
    private void copyRange(long from, byte[] dst, int dstOff, int len) {
        if (len == 0) {
            return;
        }
        long end = from + len;
        int first = frameContaining(from);
        int last = frameContaining(end - 1);
        int f = first;
        while (f <= last) {
            byte[] cached = frameCache.get(cacheKey, f);
            if (cached != null) {
                copyOut(f, cached, from, end, dst, dstOff);
                f++;
                continue;
            }
            // Fetch the compressed bytes of the uncached frames that follow in one read: one round trip per batch
            // on remote sources.
            int batchEnd = f + 1;
            while (batchEnd <= last && !frameCache.contains(cacheKey, batchEnd)
                    && frameArchiveOffset[batchEnd + 1] - frameArchiveOffset[f] <= READ_BATCH_BYTES) {
                batchEnd++;
            }
            long batchStart = frameArchiveOffset[f];
            byte[] packed = read(source, job, batchStart, (int) (frameArchiveOffset[batchEnd] - batchStart));
            for (int g = f; g < batchEnd; g++) {
                byte[] raw = decompressFrame(g, packed, (int) (frameArchiveOffset[g] - batchStart));
                frameCache.put(cacheKey, g, raw);
                copyOut(g, raw, from, end, dst, dstOff);
            }
            f = batchEnd;
        }
    }

    /** Copies the part of frame {@code g} (raw bytes {@code raw}) inside {@code [from, end)} to its place in dst. */
    private void copyOut(int g, byte[] raw, long from, long end, byte[] dst, int dstOff) {
        long frameStart = frameRawOffset[g];
        long copyFrom = Math.max(from, frameStart);
        long copyTo = Math.min(end, frameRawOffset[g + 1]);
        System.arraycopy(raw, (int) (copyFrom - frameStart), dst, dstOff + (int) (copyFrom - from),
                (int) (copyTo - copyFrom));
    }

    /** Index of the data frame holding raw byte {@code position} (which must be inside the log). */
    private int frameContaining(long position) {
        int found = Arrays.binarySearch(frameRawOffset, 0, frameCount, position);
        return found >= 0 ? found : -found - 2;
    }

    /** Frame {@code f}'s raw bytes, from the cache or decompressed (and then cached). Callers must not modify them. */
    private byte[] readFrame(int f) {
        byte[] cached = frameCache.get(cacheKey, f);
        if (cached != null) {
            return cached;
        }
        int compressedSize = (int) (frameArchiveOffset[f + 1] - frameArchiveOffset[f]);
        byte[] raw = decompressFrame(f, read(source, job, frameArchiveOffset[f], compressedSize), 0);
        frameCache.put(cacheKey, f, raw);
        return raw;
    }

    /** Decompresses data frame {@code f} whose compressed bytes start at {@code packed[at]}, checking everything. */
    private byte[] decompressFrame(int f, byte[] packed, int at) {
        long archiveOffset = frameArchiveOffset[f];
        int compressedSize = (int) (frameArchiveOffset[f + 1] - archiveOffset);
        int rawSize = (int) (frameRawOffset[f + 1] - frameRawOffset[f]);
        if (i32(packed, at) != ZSTD_FRAME_MAGIC) {
            throw corrupt(job, archiveOffset, "data frame " + f + " starts with " + hex(i32(packed, at))
                    + ", not the zstd frame magic");
        }
        try {
            long frameLength = Zstd.findFrameCompressedSize(packed, at, compressedSize);
            if (Zstd.isError(frameLength) || frameLength != compressedSize) {
                throw corrupt(job, archiveOffset, "data frame " + f + " is " + describeSize(frameLength)
                        + " bytes long, the seek table says " + compressedSize);
            }
            long contentSize = Zstd.getFrameContentSize(packed, at, compressedSize);
            if (contentSize != rawSize) {
                throw corrupt(job, archiveOffset, "data frame " + f + " declares " + contentSize
                        + " raw bytes, the seek table says " + rawSize);
            }
            byte[] raw = new byte[rawSize];
            int produced;
            try {
                produced = frameCache.contexts().decompress(raw, 0, rawSize, packed, at, compressedSize);
            } catch (ZstdException e) {
                throw corrupt(job, archiveOffset, "data frame " + f + " does not decompress: " + e.getMessage());
            }
            if (produced != rawSize) {
                throw corrupt(job, archiveOffset, "data frame " + f + " decompressed to " + produced
                        + " bytes, the seek table says " + rawSize);
            }
            return raw;
        } catch (RuntimeException e) {
            if (e instanceof CorruptLogException c) {
                throw c;
            }
            throw new CorruptLogException(job, "archive byte " + archiveOffset + " (data frame " + f + "): " + e, e);
        }
    }

    private static String describeSize(long zstdResult) {
        return Zstd.isError(zstdResult) ? "unparseable (" + Zstd.getErrorName(zstdResult) + ")"
                : Long.toString(zstdResult);
    }

    // ---- index ----

    private ChunkIndex index() {
        ChunkIndex loaded = index;
        if (loaded != null) {
            return loaded;
        }
        synchronized (indexLock) {
            if (index == null) {
                byte[] frame = prefetchedIndexFrame != null ? prefetchedIndexFrame
                        : read(source, job, indexFrameOffset, indexFrameLength);
                index = parseIndex(frame);
                prefetchedIndexFrame = null;
            }
            return index;
        }
    }

    private ChunkIndex parseIndex(byte[] frame) {
        long at = indexFrameOffset;
        if (i32(frame, 0) != INDEX_FRAME_MAGIC) {
            throw corrupt(job, at, "index frame magic is " + hex(i32(frame, 0)) + ", expected "
                    + hex(INDEX_FRAME_MAGIC));
        }
        if (u32(frame, 4) != frame.length - SKIPPABLE_HEADER_BYTES) {
            throw corrupt(job, at + 4, "index frame Frame_Size is " + u32(frame, 4) + ", expected "
                    + (frame.length - SKIPPABLE_HEADER_BYTES));
        }
        if (!Arrays.equals(frame, 8, 16, INDEX_MAGIC, 0, INDEX_MAGIC.length)) {
            throw corrupt(job, at + 8, "index payload does not start with " + new String(INDEX_MAGIC,
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
        int bodyAt = SKIPPABLE_HEADER_BYTES + INDEX_MAGIC.length;
        int stored = trailer.bodyStoredLength();
        int crc = crcOf(frame, bodyAt, stored);
        if (crc != trailer.bodyCrc()) {
            throw corrupt(job, at + bodyAt, "index body CRC32C " + hex(crc) + " differs from the trailer's "
                    + hex(trailer.bodyCrc()));
        }
        byte[] body;
        if ((trailer.flags() & INDEX_FLAG_BODY_COMPRESSED) != 0) {
            body = new byte[trailer.bodyRawLength()];
            long produced = Zstd.decompressByteArray(body, 0, body.length, frame, bodyAt, stored);
            if (Zstd.isError(produced) || produced != body.length) {
                throw corrupt(job, at + bodyAt, "index body does not decompress to " + body.length + " bytes: "
                        + describeSize(produced));
            }
        } else {
            body = Arrays.copyOfRange(frame, bodyAt, bodyAt + stored);
        }

        long[] firstLine = new long[frameCount];
        for (int f = 0; f < frameCount; f++) {
            firstLine[f] = i64(body, f * INDEX_FRAME_ENTRY_BYTES);
            long previous = f == 0 ? 0 : firstLine[f - 1];
            if (firstLine[f] < previous || firstLine[f] > lineCount() || (f == 0 && firstLine[f] != 0)) {
                throw corrupt(job, at + bodyAt, "index first line number of frame " + f + " is " + firstLine[f]);
            }
        }
        int chunks = (int) chunkCount();
        long[] offsets = new long[chunks];
        int[] lengths = new int[chunks];
        byte[] streams = new byte[chunks];
        long[] timestamps = new long[chunks];
        int[] crcs = new int[chunks];
        long expectedOffset = 0;
        int p = frameCount * INDEX_FRAME_ENTRY_BYTES;
        for (int i = 0; i < chunks; i++, p += INDEX_CHUNK_ENTRY_BYTES) {
            long offset = i64(body, p);
            long length = u32(body, p + 8);
            int stream = body[p + 12] & 0xFF;
            if (offset != expectedOffset || length > rawSize() - offset || (stream != LogStream.STDOUT.code()
                    && stream != LogStream.STDERR.code())) {
                throw new CorruptLogException(job, "index entry of chunk seq " + i + ": offset " + offset
                        + " (expected " + expectedOffset + "), length " + length + ", stream code " + stream);
            }
            offsets[i] = offset;
            lengths[i] = (int) length;
            streams[i] = (byte) stream;
            timestamps[i] = i64(body, p + 13);
            crcs[i] = i32(body, p + 21);
            expectedOffset += length;
        }
        if (expectedOffset != rawSize()) {
            throw corrupt(job, at + bodyAt, "index chunks cover " + expectedOffset + " bytes, the log has "
                    + rawSize());
        }
        return new ChunkIndex(firstLine, offsets, lengths, streams, timestamps, crcs);
    }

    // ---- helpers ----

    private static byte[] read(ByteSource source, JobId job, long position, int length) {
        byte[] buffer = new byte[length];
        try {
            source.readFully(position, buffer, 0, length);
        } catch (IOException e) {
            throw new LogStoreIOException(job, "reading archive bytes " + position + ".." + (position + length), e);
        }
        return buffer;
    }

    @Override
    public String toString() {
        return "SeekableArchiveReader[job=" + job + ", frames=" + frameCount + ", rawSize=" + rawSize()
                + ", chunks=" + chunkCount() + "]";
    }
}
