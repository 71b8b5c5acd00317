package dev.cinch.logs.archive;

import static dev.cinch.logs.archive.ArchiveFormat.*;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.cinch.logs.LogStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes a sealed log as one archive in the zstd seekable format (layout: {@code docs/adr/0001-archive-format.md}):
 * independent zstd data frames of {@link ArchiveOptions#frameRawBytes()} raw bytes each (content checksum on, no
 * dictionary), then a skippable frame of per-frame trigram filters ({@link FrameFilters}), then a skippable frame
 * holding the chunk index, then the seek table. {@code zstd -dc} of the result
 * prints exactly the log's byte view.
 *
 * <p>Streaming: chunks go in with {@link #addChunk} in seq order (the seq is implicit: 0, 1, 2, ...); each frame
 * is compressed and written as soon as it is full. Memory is one frame of raw bytes, one compression buffer and the
 * index (25 bytes per chunk, 16 per frame), the filters ({@value FrameFilters#BUDGET_PER_MILLE}‰ of the compressed
 * size at most) and a 2 MiB table for counting a frame's trigrams, never the whole log. Nothing is readable as an archive until
 * {@link #finish()} has returned.
 *
 * <p>Not thread-safe: one writer per archive, used by one thread. {@link #close()} frees the native compressor; it
 * never closes the output stream, which belongs to the caller. A writer closed without {@code finish()} leaves an
 * incomplete output that readers reject. After an {@link IOException} the writer refuses further use.
 */
public final class SeekableArchiveWriter implements AutoCloseable {
    private final OutputStream out;
    private final ArchiveOptions options;
    private final ZstdCompressCtx compressor;
    private final byte[] frame;
    private final byte[] compressed;
    private final LittleEndianBuffer seekEntries = new LittleEndianBuffer(256);
    private final LittleEndianBuffer frameFirstLines = new LittleEndianBuffer(256);
    private final LittleEndianBuffer chunkEntries = new LittleEndianBuffer(4096);
    private final CRC32C logCrc = new CRC32C();
    private final FrameFilters.Builder filters = new FrameFilters.Builder();

    private int frameFill;
    private long linesBeforeFrame;
    private long lineCount;
    private long rawBytes;
    private long chunkCount;
    private long lastTimestampMillis;
    private long archiveBytes;
    private int frameCount;
    private ArchiveSummary summary;
    private boolean failed;
    private boolean closed;

    public SeekableArchiveWriter(OutputStream out, ArchiveOptions options) {
        this.out = Objects.requireNonNull(out, "out");
        this.options = Objects.requireNonNull(options, "options");
        this.frame = new byte[options.frameRawBytes()];
        this.compressed = new byte[(int) Zstd.compressBound(options.frameRawBytes())];
        this.compressor = new ZstdCompressCtx()
                .setLevel(options.compressionLevel())
                .setChecksum(true) // every frame verifies itself, in our reader and in the zstd command
                .setContentSize(true)
                .setDictID(false);
    }

    /**
     * Appends the next chunk (its seq is the number of chunks added before it). Writes zero or more complete
     * frames to the output. A chunk may be empty.
     *
     * @throws IOException if the output fails; the writer is then unusable
     * @throws IllegalStateException after {@link #finish()}, {@link #close()} or a failure, or when the index would
     *     exceed its 2 GiB limit (about 85 million chunks)
     */
    public void addChunk(LogStream stream, long timestampMillis, byte[] data, int off, int len) throws IOException {
        Objects.requireNonNull(stream, "stream");
        Objects.checkFromIndexSize(off, len, data.length);
        ensureWritable();
        int chunkCrc = crcOf(data, off, len);
        // Reserve first: if the index is full this throws before any state has changed.
        chunkEntries.reserve(INDEX_CHUNK_ENTRY_BYTES);
        chunkEntries.putI64(rawBytes).putI32(len).putU8(stream.code()).putI64(timestampMillis).putI32(chunkCrc);
        logCrc.update(data, off, len);
        chunkCount++;
        lastTimestampMillis = timestampMillis;
        rawBytes += len;
        int at = off;
        int end = off + len;
        while (at < end) {
            int n = Math.min(end - at, frame.length - frameFill);
            System.arraycopy(data, at, frame, frameFill, n);
            lineCount += countNewlines(data, at, n);
            frameFill += n;
            at += n;
            if (frameFill == frame.length) {
                writeFrame();
            }
        }
    }

    /** {@link #addChunk(LogStream, long, byte[], int, int)} for a whole array. */
    public void addChunk(LogStream stream, long timestampMillis, byte[] data) throws IOException {
        addChunk(stream, timestampMillis, data, 0, data.length);
    }

    /**
     * Writes the last partial frame, the index frame and the seek table, and flushes the output (without closing
     * it). Calling it again returns the same summary and writes nothing.
     */
    public ArchiveSummary finish() throws IOException {
        if (summary != null) {
            return summary;
        }
        ensureWritable();
        try {
            if (frameFill > 0) {
                writeFrame();
            }
            byte[] filterFrame = filters.frameBytes();
            write(filterFrame, 0, filterFrame.length);
            writeIndexFrame(filterFrame.length);
            writeSeekTable();
            out.flush();
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        summary = new ArchiveSummary(chunkCount, rawBytes, archiveBytes, lineCount, (int) logCrc.getValue(),
                frameCount, lastTimestampMillis);
        return summary;
    }

    /** Frees the native compressor. Does not close the output stream and does not finish the archive. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            compressor.close();
        }
    }

    private void ensureWritable() {
        if (closed) {
            throw new IllegalStateException("archive writer is closed");
        }
        if (failed) {
            throw new IllegalStateException("archive writer failed earlier; its output is incomplete");
        }
        if (summary != null) {
            throw new IllegalStateException("archive already finished");
        }
    }

    private void writeFrame() throws IOException {
        if (frameCount == MAX_FRAMES) {
            failed = true;
            throw new IllegalStateException("archive exceeds " + MAX_FRAMES + " frames");
        }
        int size = compressor.compressByteArray(compressed, 0, compressed.length, frame, 0, frameFill);
        write(compressed, 0, size);
        filters.addFrame(frame, frameFill, size);
        seekEntries.putI32(size).putI32(frameFill);
        frameFirstLines.putI64(linesBeforeFrame);
        linesBeforeFrame = lineCount;
        frameCount++;
        frameFill = 0;
    }

    private void writeIndexFrame(int filterFrameLength) throws IOException {
        int bodyRawLength = frameFirstLines.size() + chunkEntries.size();
        byte[] body = new byte[bodyRawLength];
        System.arraycopy(frameFirstLines.array(), 0, body, 0, frameFirstLines.size());
        System.arraycopy(chunkEntries.array(), 0, body, frameFirstLines.size(), chunkEntries.size());

        // The index is highly regular (monotonic offsets, close timestamps): compress it when that pays.
        byte[] stored = body;
        int storedLength = bodyRawLength;
        int flags = 0;
        if (bodyRawLength > 0) {
            byte[] packed = new byte[(int) Zstd.compressBound(bodyRawLength)];
            int packedLength = compressor.compressByteArray(packed, 0, packed.length, body, 0, bodyRawLength);
            if (packedLength < bodyRawLength) {
                stored = packed;
                storedLength = packedLength;
                flags |= INDEX_FLAG_BODY_COMPRESSED;
            }
        }

        byte[] trailer = new byte[INDEX_TRAILER_BYTES];
        putI32(trailer, TR_FRAME_COUNT, frameCount);
        putI64(trailer, TR_CHUNK_COUNT, chunkCount);
        putI64(trailer, TR_RAW_SIZE, rawBytes);
        putI64(trailer, TR_LINE_COUNT, lineCount);
        putI32(trailer, TR_LOG_CRC, (int) logCrc.getValue());
        putI32(trailer, TR_BODY_RAW_LENGTH, bodyRawLength);
        putI32(trailer, TR_BODY_STORED_LENGTH, storedLength);
        putI32(trailer, TR_BODY_CRC, crcOf(stored, 0, storedLength));
        putI64(trailer, TR_LAST_TIMESTAMP, lastTimestampMillis);
        putI32(trailer, TR_FILTER_FRAME_LENGTH, filterFrameLength);
        int end = INDEX_TRAILER_BYTES;
        trailer[end + TR_END_VERSION] = (byte) INDEX_VERSION;
        trailer[end + TR_END_FLAGS] = (byte) flags;
        putI16(trailer, end + TR_END_TRAILER_LENGTH, INDEX_TRAILER_BYTES);
        putI32(trailer, end + TR_END_TRAILER_CRC, crcOf(trailer, 0, end + TR_END_TRAILER_CRC));

        long payloadLength = (long) INDEX_MAGIC.length + storedLength + INDEX_TRAILER_BYTES;
        if (payloadLength > 0xFFFF_FFFFL) {
            throw new IllegalStateException("archive index larger than a skippable frame can hold");
        }
        byte[] header = new byte[SKIPPABLE_HEADER_BYTES];
        putI32(header, 0, INDEX_FRAME_MAGIC);
        putI32(header, 4, (int) payloadLength);
        write(header, 0, header.length);
        write(INDEX_MAGIC, 0, INDEX_MAGIC.length);
        write(stored, 0, storedLength);
        write(trailer, 0, trailer.length);
    }

    private void writeSeekTable() throws IOException {
        byte[] header = new byte[SKIPPABLE_HEADER_BYTES];
        putI32(header, 0, SEEK_TABLE_MAGIC);
        putI32(header, 4, seekEntries.size() + SEEK_TABLE_FOOTER_BYTES);
        byte[] footer = new byte[SEEK_TABLE_FOOTER_BYTES];
        putI32(footer, 0, frameCount);
        footer[4] = 0; // Checksum_Flag off: each data frame carries zstd's own content checksum instead
        putI32(footer, 5, SEEKABLE_MAGIC);
        write(header, 0, header.length);
        write(seekEntries.array(), 0, seekEntries.size());
        write(footer, 0, footer.length);
    }

    private void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        archiveBytes += len;
    }

    static int countNewlines(byte[] b, int off, int len) {
        int n = 0;
        for (int i = off, end = off + len; i < end; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}
