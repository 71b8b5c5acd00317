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
 * Positional reads of one open log's {@code open.log} (frames), {@code open.idx} (entries) and {@code open.lines}
 * (newline counts), on channels of their own. Shared by the writer's recovery and by read views; nothing here writes.
 *
 * <p>{@code open.lines} holds one {@link #LINES_BYTES}-byte entry per chunk, little-endian: the number of {@code \n}
 * bytes in chunks {@code 0..seq} (i64), the CRC32C of that seq and count (u32, so a torn or misplaced entry is never
 * taken for a count), 4 bytes reserved (0). It is a side file rather than a new {@code open.idx} entry version so that
 * the index, its recovery and logs stored before the counts were kept stay exactly as they were: a log without
 * {@code open.lines} is such a log, and is read by a scan from its first chunk. Entries are written with the index
 * entries, before them; the writer's recovery keeps the intact prefix and re-derives the rest from the frames.
 */
final class OpenLogFiles implements Closeable {
    static final int LINES_BYTES = 16;

    final JobId job;
    final FileChannel log;
    final FileChannel idx;
    /** open.lines, or null for a log stored before newline counts were kept. */
    final FileChannel lines;

    OpenLogFiles(JobId job, FileChannel log, FileChannel idx, FileChannel lines) {
        this.job = job;
        this.log = log;
        this.idx = idx;
        this.lines = lines;
    }

    /** Opens {@code dir}'s open.lines (read-only, or also for writing); null when there is none. */
    static FileChannel openLines(java.nio.file.Path dir, boolean write) throws IOException {
        try {
            return write
                    ? FileChannel.open(dir.resolve(FsLayout.OPEN_LINES), java.nio.file.StandardOpenOption.READ,
                            java.nio.file.StandardOpenOption.WRITE)
                    : FileChannel.open(dir.resolve(FsLayout.OPEN_LINES), java.nio.file.StandardOpenOption.READ);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    /** Appends the open.lines entry saying chunks {@code 0..seq} hold {@code newlines} newlines to {@code b}. */
    static void encodeLines(ByteBuffer b, long seq, long newlines) {
        b.order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(newlines).putInt(linesCrc(seq, newlines)).putInt(0);
    }

    private static int linesCrc(long seq, long newlines) {
        byte[] tmp = ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(seq).putLong(newlines).array();
        return Crc32c.of(tmp, 0, tmp.length);
    }

    /** The count in an open.lines entry for {@code seq} at {@code at} in {@code b}; -1 when torn or damaged. */
    static long decodeLines(ByteBuffer b, int at, long seq) {
        ByteBuffer l = b.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long n = l.getLong(at);
        return n >= 0 && l.getInt(at + 8) == linesCrc(seq, n) && l.getInt(at + 12) == 0 ? n : -1;
    }

    /** Complete entries in open.lines; 0 when there is none. */
    long lineEntries() throws IOException {
        return lines == null ? 0 : lines.size() / LINES_BYTES;
    }

    /** Newlines in chunks {@code 0..seq} as open.lines records them; -1 when it has no intact entry for seq. */
    long newlinesThrough(long seq) throws IOException {
        if (lines == null || (seq + 1) * LINES_BYTES > lines.size()) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.allocate(LINES_BYTES);
        try {
            readFully(lines, b, seq * LINES_BYTES);
        } catch (EOFException e) {
            return -1; // cut by the writer's recovery meanwhile
        }
        return decodeLines(b, 0, seq);
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
            try {
                idx.close();
            } finally {
                if (lines != null) {
                    lines.close();
                }
            }
        }
    }
}
