package dev.cinch.logs.fs;

import dev.cinch.logs.ChunkConflictException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.SequenceGapException;
import dev.cinch.logs.codec.ChunkCodec;
import dev.cinch.logs.codec.Crc32c;
import dev.cinch.logs.codec.EncodedChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single writer of one open log. Holds an exclusive {@link FileLock} on {@code open.log} so that two
 * processes never interleave frames; recovers the files when opened (cuts a torn tail, re-indexes frames written
 * after the last index entry); appends a frame, then its index entry, then publishes the new state to readers.
 */
final class OpenLogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenLogWriter.class);

    final JobId job;
    final OpenLogFiles files;
    final ReentrantLock lock = new ReentrantLock();
    private final FileLock fileLock;
    private volatile OpenLogState state;
    /** Set under {@link #lock} when the log is sealed or deleted: later appends must look the log up again. */
    private boolean retired;

    private OpenLogWriter(JobId job, OpenLogFiles files, FileLock fileLock, OpenLogState state) {
        this.job = job;
        this.files = files;
        this.fileLock = fileLock;
        this.state = state;
    }

    /** Opens (creating when asked) and recovers the open log in {@code dir}. */
    static OpenLogWriter open(JobId job, Path dir, boolean create) throws IOException {
        StandardOpenOption[] opts = create
                ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE}
                : new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        FileChannel log = FileChannel.open(dir.resolve(FsLayout.OPEN_LOG), opts);
        FileChannel idx;
        try {
            idx = FileChannel.open(dir.resolve(FsLayout.OPEN_INDEX), StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        } catch (IOException e) {
            log.close();
            throw e;
        }
        OpenLogFiles files = new OpenLogFiles(job, log, idx);
        FileLock fl;
        try {
            fl = log.tryLock();
        } catch (OverlappingFileLockException e) {
            fl = null;
        }
        if (fl == null) {
            files.close();
            throw new LogLockedException(job, "another process or store instance (open.log is locked)");
        }
        try {
            return new OpenLogWriter(job, files, fl, recover(job, files));
        } catch (IOException | RuntimeException e) {
            fl.release();
            files.close();
            throw e;
        }
    }

    /**
     * Makes open.log and open.idx agree: drops index entries whose frame is missing or damaged (a crash can persist
     * the index before the frame), indexes valid frames written after the last entry (a crash between frame and
     * entry), and truncates whatever torn bytes remain at both tails. Cost is proportional to the damaged tail.
     */
    private static OpenLogState recover(JobId job, OpenLogFiles f) throws IOException {
        long entries = f.idx.size() / IndexEntry.BYTES;
        long logSize = f.log.size();
        IndexEntry last = null;
        while (entries > 0) {
            IndexEntry e = f.entry(entries - 1);
            if (e != null && e.frameEnd() <= logSize && frameValid(f, e.fileOffset(), entries - 1) != null) {
                last = e;
                break;
            }
            entries--;
        }
        long dropped = f.idx.size() / IndexEntry.BYTES - entries;
        long pos = last == null ? 0 : last.frameEnd();
        long rawEnd = last == null ? 0 : last.rawEnd();
        int crc = last == null ? 0 : last.cumulativeCrc();
        int reindexed = 0;
        while (pos < logSize) {
            ChunkFrame frame = frameValid(f, pos, entries);
            if (frame == null) {
                break;
            }
            crc = Crc32c.combine(crc, frame.rawCrc(), frame.rawLength());
            IndexEntry e = new IndexEntry(pos, rawEnd, frame.rawLength(), frame.storedLength(), frame.timestampMillis(),
                    frame.rawCrc(), crc, frame.stream());
            ByteBuffer b = ByteBuffer.allocate(IndexEntry.BYTES);
            e.encodeInto(b);
            OpenLogFiles.writeFully(f.idx, b.flip(), entries * IndexEntry.BYTES);
            entries++;
            reindexed++;
            rawEnd = e.rawEnd();
            pos = e.frameEnd();
            last = e;
        }
        boolean repaired = dropped > 0 || reindexed > 0 || pos < logSize || f.idx.size() != entries * IndexEntry.BYTES;
        if (pos < logSize) {
            f.log.truncate(pos);
        }
        if (f.idx.size() != entries * IndexEntry.BYTES) {
            f.idx.truncate(entries * IndexEntry.BYTES);
        }
        if (repaired) {
            f.log.force(true);
            f.idx.force(true);
            LOG.warn("job {}: recovered open log: {} index entries dropped, {} frames re-indexed, {} torn bytes cut",
                    job, dropped, reindexed, logSize - pos);
        }
        return OpenLogState.after(entries, last);
    }

    /** The frame at {@code pos} when its header and payload check out and it carries {@code seq}; else null. */
    private static ChunkFrame frameValid(OpenLogFiles f, long pos, long seq) throws IOException {
        long size = f.log.size();
        if (pos + ChunkFrame.HEADER_BYTES > size) {
            return null;
        }
        ByteBuffer h = ByteBuffer.allocate(ChunkFrame.HEADER_BYTES);
        OpenLogFiles.readFully(f.log, h, pos);
        ChunkFrame frame = ChunkFrame.decode(h.flip());
        if (frame == null || frame.seq() != seq || frame.storedLength() < 0 || frame.rawLength() < 0
                || pos + ChunkFrame.HEADER_BYTES + frame.storedLength() > size) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.allocate(frame.storedLength());
        OpenLogFiles.readFully(f.log, payload, pos + ChunkFrame.HEADER_BYTES);
        return Crc32c.of(payload.array(), 0, frame.storedLength()) == frame.payloadCrc() ? frame : null;
    }

    OpenLogState state() {
        return state;
    }

    /** True once sealed or deleted; callers holding this writer must look the log up again. */
    boolean retired() {
        return retired;
    }

    void retire() {
        retired = true;
    }

    /**
     * Appends under {@link #lock} (the caller holds it). Returns false when the chunk was an identical repeat.
     */
    boolean appendLocked(LogChunk chunk, ChunkCodec codec) throws IOException {
        OpenLogState s = state;
        long seq = chunk.seq();
        if (seq < s.chunks()) {
            IndexEntry e = files.committedEntry(seq);
            byte[] stored = files.chunkData(seq, e, codec);
            if (e.stream() != chunk.stream()) {
                throw new ChunkConflictException(job, seq, "stored on " + e.stream().wireName() + ", retried on " + chunk.stream().wireName());
            }
            if (!chunk.sameBytes(stored)) {
                throw new ChunkConflictException(job, seq, "stored " + stored.length + " bytes, retried with " + chunk.length() + " different bytes");
            }
            return false;
        }
        if (seq > s.chunks()) {
            throw new SequenceGapException(job, s.chunks(), seq);
        }
        byte[] data = chunk.data();
        EncodedChunk enc = codec.encode(data);
        int payloadCrc = Crc32c.of(enc.payload());
        ChunkFrame frame = new ChunkFrame(seq, chunk.stream(), enc.encoding(), enc.dictionaryId(), chunk.timestampMillis(),
                enc.rawLength(), enc.payload().length, enc.crc32c(), payloadCrc);
        ByteBuffer out = ByteBuffer.allocate(ChunkFrame.HEADER_BYTES + enc.payload().length);
        out.put(frame.encode()).put(enc.payload()).flip();
        OpenLogFiles.writeFully(files.log, out, s.logFileBytes());
        int crc = Crc32c.combine(s.crc32c(), enc.crc32c(), enc.rawLength());
        IndexEntry entry = new IndexEntry(s.logFileBytes(), s.rawBytes(), enc.rawLength(), enc.payload().length,
                chunk.timestampMillis(), enc.crc32c(), crc, chunk.stream());
        ByteBuffer eb = ByteBuffer.allocate(IndexEntry.BYTES);
        entry.encodeInto(eb);
        OpenLogFiles.writeFully(files.idx, eb.flip(), s.indexFileBytes());
        state = OpenLogState.after(seq + 1, entry);
        return true;
    }

    /** Forces both files to disk. */
    void force() throws IOException {
        files.log.force(false);
        files.idx.force(false);
    }

    @Override
    public void close() throws IOException {
        try {
            if (fileLock.isValid()) {
                fileLock.release();
            }
        } finally {
            files.close();
        }
    }
}
