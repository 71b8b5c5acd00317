package dev.cinch.logs.fs;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.codec.Crc32c;
import dev.cinch.logs.codec.EncodedChunk;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Positional reads of one open log's {@code open.log} (frames) and {@code open.idx} (entries), on channels of their
 * own. Shared by the writer's recovery and by read views; nothing here writes.
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

    /** Complete entries in {@code open.idx} (a torn last entry is not counted). */
    long indexEntries() throws IOException {
        return idx.size() / IndexEntry.BYTES;
    }

    /** Index entry {@code seq}; null when it is torn or damaged. */
    IndexEntry entry(long seq) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(IndexEntry.BYTES);
        readFully(idx, b, seq * IndexEntry.BYTES);
        return IndexEntry.decode(b, 0);
    }

    /** Entries {@code [from, from + count)} in one read; an element is null where the entry is torn or damaged. */
    IndexEntry[] entries(long from, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(count * IndexEntry.BYTES);
        readFully(idx, b, from * IndexEntry.BYTES);
        IndexEntry[] out = new IndexEntry[count];
        for (int i = 0; i < count; i++) {
            out[i] = IndexEntry.decode(b, i * IndexEntry.BYTES);
        }
        return out;
    }

    /**
     * The frame header at file offset {@code pos} when it is intact and carries {@code seq}, and (with
     * {@code checkPayload}) its payload's CRC32C matches; null otherwise, also when the file ends first.
     */
    ChunkFrame frame(long pos, long seq, boolean checkPayload) throws IOException {
        long size = log.size();
        if (pos < 0 || pos + ChunkFrame.HEADER_BYTES > size) {
            return null;
        }
        ByteBuffer h = ByteBuffer.allocate(ChunkFrame.HEADER_BYTES);
        readFully(log, h, pos);
        ChunkFrame frame = ChunkFrame.decode(h.flip());
        if (frame == null || frame.seq() != seq || frame.storedLength() < 0 || frame.rawLength() < 0
                || pos + ChunkFrame.HEADER_BYTES + frame.storedLength() > size) {
            return null;
        }
        if (checkPayload) {
            ByteBuffer payload = ByteBuffer.allocate(frame.storedLength());
            readFully(log, payload, pos + ChunkFrame.HEADER_BYTES);
            if (Crc32c.of(payload.array(), 0, frame.storedLength()) != frame.payloadCrc()) {
                return null;
            }
        }
        return frame;
    }

    /**
     * The intact frames that follow {@code after} (the entry of seq {@code firstSeq - 1}, or null for the start of the
     * log), in order, as index entries (running CRC included), up to the first frame that is missing, torn or fails a
     * CRC. Recovery indexes exactly these and read views show exactly these, so the two always agree.
     */
    List<IndexEntry> intactFramesAfter(IndexEntry after, long firstSeq) throws IOException {
        long pos = after == null ? 0 : after.frameEnd();
        long raw = after == null ? 0 : after.rawEnd();
        int crc = after == null ? 0 : after.cumulativeCrc();
        List<IndexEntry> found = new ArrayList<>();
        for (long seq = firstSeq; ; seq++) {
            ChunkFrame frame = frame(pos, seq, true);
            if (frame == null) {
                return found;
            }
            crc = Crc32c.combine(crc, frame.rawCrc(), frame.rawLength());
            IndexEntry e = new IndexEntry(pos, raw, frame.rawLength(), frame.storedLength(), frame.timestampMillis(),
                    frame.rawCrc(), crc, frame.stream());
            found.add(e);
            raw = e.rawEnd();
            pos = e.frameEnd();
        }
    }

    /**
     * The stored body of chunk {@code seq}, whose frame {@code e} locates, taken from {@code span} (bytes of open.log
     * from file offset {@code spanStart}, holding the whole frame). The frame header must match the entry.
     */
    EncodedChunk body(long seq, IndexEntry e, byte[] span, long spanStart) {
        int at = (int) (e.fileOffset() - spanStart);
        ChunkFrame header = ChunkFrame.decode(ByteBuffer.wrap(span, at, ChunkFrame.HEADER_BYTES));
        if (header == null || header.seq() != seq || header.rawLength() != e.rawLength()
                || header.storedLength() != e.storedLength() || header.rawCrc() != e.rawCrc()
                || header.stream() != e.stream() || header.timestampMillis() != e.timestampMillis()) {
            throw new CorruptLogException(job, "seq " + seq + ": the frame header at open.log offset " + e.fileOffset()
                    + " does not match the chunk's index entry");
        }
        byte[] payload = new byte[e.storedLength()];
        System.arraycopy(span, at + ChunkFrame.HEADER_BYTES, payload, 0, payload.length);
        return new EncodedChunk(payload, e.rawLength(), e.rawCrc(), header.encoding(), header.dictionaryId());
    }

    /** Bytes {@code [from, to)} of open.log; a log that ends first is damage at {@code seq}. */
    byte[] logBytes(long from, long to, long seq) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) (to - from));
        try {
            readFully(log, b, from);
        } catch (EOFException eof) {
            throw new CorruptLogException(job, "seq " + seq + ": open.log ends at " + log.size()
                    + ", before the chunk's frame (file offsets " + from + ".." + to + ")", eof);
        }
        return b.array();
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
