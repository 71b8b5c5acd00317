package dev.cinch.logs.fs;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.codec.ChunkCodec;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Positional reads of one open log's {@code open.log} + {@code open.idx}, shared by the writer and by read-only
 * views (another process's writer). Every lookup goes through the index: seq {@code i} is entry {@code i}, a byte
 * offset is a binary search over entries, so reads cost O(answer + log(chunks)) whatever the log's size.
 */
final class OpenLogFiles implements Closeable {
    final JobId job;
    final FileChannel log;
    final FileChannel idx;

    OpenLogFiles(JobId job, FileChannel log, FileChannel idx) {
        this.job = job;
        this.log = log;
        this.idx = idx;
    }

    /** Index entry {@code seq}; null when it is torn or damaged. */
    IndexEntry entry(long seq) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(IndexEntry.BYTES);
        readFully(idx, b, seq * IndexEntry.BYTES);
        return IndexEntry.decode(b, 0);
    }

    /** Entry {@code seq} of the committed prefix: a damaged one there is corruption. */
    IndexEntry committedEntry(long seq) throws IOException {
        IndexEntry e = entry(seq);
        if (e == null) {
            throw new CorruptLogException(job, "open.idx entry for seq " + seq + " (CRC mismatch)");
        }
        return e;
    }

    /** Index of the chunk holding byte {@code offset}, among the first {@code count} chunks. */
    long findChunk(long offset, long count) throws IOException {
        long lo = 0;
        long hi = count - 1;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (committedEntry(mid).rawOffset() <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // Empty chunks share a raw offset with the next chunk; step past them to the one holding the byte.
        while (lo < count - 1 && committedEntry(lo).rawEnd() <= offset) {
            lo++;
        }
        return lo;
    }

    /** Reads, checks and decodes the chunk that {@code e} describes. */
    byte[] chunkData(long seq, IndexEntry e, ChunkCodec codec) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(ChunkFrame.HEADER_BYTES + e.storedLength());
        try {
            readFully(log, frame, e.fileOffset());
        } catch (EOFException eof) {
            throw new CorruptLogException(job, "seq " + seq + ": open.log ends before the chunk's frame at file offset " + e.fileOffset(), eof);
        }
        frame.flip();
        ChunkFrame header = ChunkFrame.decode(frame);
        if (header == null || header.seq() != seq || header.rawLength() != e.rawLength()
                || header.storedLength() != e.storedLength() || header.rawCrc() != e.rawCrc()) {
            throw new CorruptLogException(job, "seq " + seq + ": frame header at file offset " + e.fileOffset() + " does not match the index");
        }
        return codec.decode(job, seq, frame.array(), ChunkFrame.HEADER_BYTES, e.storedLength(), header.encoding(),
                e.rawLength(), e.rawCrc());
    }

    List<LogChunk> readChunks(long fromSeq, int maxChunks, long count, ChunkCodec codec) throws IOException {
        long end = Math.min(count, fromSeq + maxChunks);
        List<LogChunk> out = new ArrayList<>((int) Math.max(0, end - fromSeq));
        for (long seq = fromSeq; seq < end; seq++) {
            IndexEntry e = committedEntry(seq);
            out.add(new LogChunk(seq, e.stream(), e.timestampMillis(), chunkData(seq, e, codec)));
        }
        return out;
    }

    byte[] readRange(long offset, int length, long count, long rawSize, ChunkCodec codec) throws IOException {
        if (offset > rawSize) {
            throw new InvalidRangeException(job, "offset " + offset + " is beyond the end of the log (" + rawSize + " bytes)");
        }
        int n = (int) Math.min(length, rawSize - offset);
        byte[] out = new byte[n];
        if (n == 0) {
            return out;
        }
        long seq = findChunk(offset, count);
        int filled = 0;
        while (filled < n) {
            IndexEntry e = committedEntry(seq);
            byte[] data = chunkData(seq, e, codec);
            long pos = offset + filled;
            int from = (int) (pos - e.rawOffset());
            int take = Math.min(data.length - from, n - filled);
            if (take > 0) {
                System.arraycopy(data, from, out, filled, take);
                filled += take;
            }
            seq++;
        }
        return out;
    }

    static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new EOFException("end of file at " + pos);
            }
            pos += n;
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer src, long position) throws IOException {
        long pos = position;
        while (src.hasRemaining()) {
            pos += ch.write(src, pos);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            idx.close();
        }
    }
}
