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
import java.util.ArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single writer of one open log. Holds an exclusive {@link FileLock} on {@code open.log} so that two
 * processes never interleave frames, and recovers the files when opened.
 *
 * <p>Appending writes the chunk's frame to {@code open.log}. Its index entry is written only once the frame is
 * durable ({@link #commit}: right away without fsync, after the fsync otherwise), and only then do readers see
 * the chunk. So the index never points at a frame that could vanish on power loss, and only {@code open.log}
 * needs an fsync per commit: the index is a cache of what the frames already say, rebuilt by {@link #recover}.
 */
final class OpenLogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenLogWriter.class);

    final JobId job;
    final OpenLogFiles files;
    final ReentrantLock lock = new ReentrantLock();
    private final FileLock fileLock;
    /** What readers may see: chunks whose frames are durable (as the durability setting defines) and indexed. */
    private volatile OpenLogState committed;
    /** Where the next frame goes: includes frames written but not yet committed. Guarded by {@link #lock}. */
    private OpenLogState written;
    /** Index entries of written, uncommitted frames, in seq order. Guarded by {@link #lock}. */
    private final ArrayList<IndexEntry> pending = new ArrayList<>();
    /** Set under {@link #lock} when the log is sealed or deleted: later appends must look the log up again. */
    private boolean retired;

    private OpenLogWriter(JobId job, OpenLogFiles files, FileLock fileLock, OpenLogState state) {
        this.job = job;
        this.files = files;
        this.fileLock = fileLock;
        this.committed = state;
        this.written = state;
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
     * Makes open.log and open.idx agree after any stop, clean or not:
     * <ol>
     * <li>keeps the longest prefix of index entries that are intact and chained (each starts where the previous
     *     frame and raw range ended): the index is not fsynced, so after a power loss any of its pages may be stale;
     * <li>drops entries at the end whose frame is missing or damaged (only possible without fsync);
     * <li>indexes the valid frames written after the last entry, in seq order (written but never committed, or
     *     committed with an index page that did not reach the disk);
     * <li>cuts the torn bytes at both tails.
     * </ol>
     * Reads the index once sequentially and the frames after its end; nothing else.
     */
    private static OpenLogState recover(JobId job, OpenLogFiles f) throws IOException {
        long onDisk = f.idx.size() / IndexEntry.BYTES;
        long logSize = f.log.size();
        long entries = 0;
        IndexEntry last = null;
        ByteBuffer block = ByteBuffer.allocate(IndexEntry.BYTES * 16_384);
        scan:
        while (entries < onDisk) {
            block.clear();
            block.limit((int) Math.min(block.capacity(), (onDisk - entries) * IndexEntry.BYTES));
            OpenLogFiles.readFully(f.idx, block, entries * IndexEntry.BYTES);
            for (int at = 0; at < block.limit(); at += IndexEntry.BYTES) {
                IndexEntry e = IndexEntry.decode(block, at);
                long expectedFile = last == null ? 0 : last.frameEnd();
                long expectedRaw = last == null ? 0 : last.rawEnd();
                if (e == null || e.fileOffset() != expectedFile || e.rawOffset() != expectedRaw || e.frameEnd() > logSize) {
                    break scan;
                }
                last = e;
                entries++;
            }
        }
        long broken = onDisk - entries;
        while (entries > 0 && frameValid(f, last.fileOffset(), entries - 1) == null) {
            entries--;
            last = entries == 0 ? null : f.entry(entries - 1);
        }
        long dropped = onDisk - entries;
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
            if (dropped - reindexed > 0 || pos < logSize || broken > 0) {
                LOG.warn("job {}: recovered open log: {} index entries dropped, {} frames re-indexed, {} torn bytes cut",
                        job, dropped, reindexed, logSize - pos);
            }
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

    /** What readers may see. */
    OpenLogState state() {
        return committed;
    }

    /** True once sealed or deleted; callers holding this writer must look the log up again. */
    boolean retired() {
        return retired;
    }

    void retire() {
        retired = true;
    }

    /**
     * Writes the chunk's frame under {@link #lock} (the caller holds it); the chunk becomes visible at the next
     * {@link #commit}. Returns false when the chunk was an identical repeat of a written one.
     */
    boolean appendLocked(LogChunk chunk, ChunkCodec codec) throws IOException {
        OpenLogState s = written;
        long seq = chunk.seq();
        if (seq < s.chunks()) {
            IndexEntry e = entry(seq);
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
        pending.add(entry);
        written = OpenLogState.after(seq + 1, entry);
        return true;
    }

    /** The index entry of a written chunk, committed or not. */
    private IndexEntry entry(long seq) throws IOException {
        long firstPending = committed.chunks();
        return seq < firstPending ? files.committedEntry(seq) : pending.get((int) (seq - firstPending));
    }

    /**
     * Makes every written chunk visible, under {@link #lock}: forces {@code open.log} when {@code durable} (the
     * frames must be on disk before an index entry may point at them), then writes the pending index entries in
     * one write and publishes the new state.
     */
    void commit(boolean durable) throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        if (durable) {
            files.log.force(false);
        }
        ByteBuffer entries = ByteBuffer.allocate(pending.size() * IndexEntry.BYTES);
        for (IndexEntry e : pending) {
            e.encodeInto(entries);
        }
        OpenLogFiles.writeFully(files.idx, entries.flip(), committed.indexFileBytes());
        pending.clear();
        committed = written;
    }

    /**
     * Takes {@link #lock} and commits durably: the group committer's step. A writer retired meanwhile was
     * committed (and its chunks archived or deleted) by whoever retired it.
     */
    void commitLocking() throws IOException {
        lock.lock();
        try {
            if (!retired) {
                commit(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Commits durably and forces the index too: before a close, so a clean restart has nothing to re-index. */
    void flush() throws IOException {
        commit(true);
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
