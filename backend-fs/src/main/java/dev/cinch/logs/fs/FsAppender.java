package dev.cinch.logs.fs;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.codec.ChunkCodec;
import dev.cinch.logs.codec.Crc32c;
import dev.cinch.logs.codec.EncodedChunk;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.OpenLogAppender;
import dev.cinch.logs.storage.OpenLogSnapshot;
import dev.cinch.logs.storage.StaleSnapshotException;
import dev.cinch.logs.storage.StoredChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer role of one open log. Holds an exclusive {@link FileLock} on {@code writer.lock}, so two processes (or
 * two store instances) never interleave frames; a second one gets {@link LogLockedException}. The operating system
 * releases the lock when the holding process dies, so a killed writer never blocks the next one.
 *
 * <p>The lock is on a file nothing else opens: Java's file locks are POSIX record locks, which the operating system
 * drops for the whole process when the process closes <em>any</em> descriptor of the locked file. Readers of an open
 * log open and close {@code open.log} and {@code open.idx} all the time (a follower, a tail, a stat, a second store
 * instance in the same server), and each close would hand the writer role to whichever process asked next. The lock
 * on {@code open.log} that versions before {@code writer.lock} took is still taken too, so they stay excluded while a
 * deployment upgrades.
 *
 * <p>A write puts the chunk's frame in {@code open.log}. Its index entry is written only once the frame is durable
 * ({@link #commit}, {@link #forceAndCommit}: at once with {@code none}, after the fsync otherwise), and only then do
 * readers of this store see the chunk. So the index never points at a frame that a power cut could take away, and only {@code open.log}
 * needs an fsync per commit: the index is a cache of what the frames already say, rebuilt by {@link #recover}.
 */
final class FsAppender implements OpenLogAppender {
    private static final Logger LOG = LoggerFactory.getLogger(FsAppender.class);

    final JobId job;
    private final Path dir;
    private final OpenLogFiles files;
    private final FileLock fileLock;
    /** The writer role: see the class comment. Its channel stays open while this appender lives. */
    private final FileLock writerLock;
    private final Durability durability;
    /** Guards the write position, the pending entries and the commit step. */
    private final ReentrantLock lock = new ReentrantLock();
    /** What readers may see: chunks whose frames are durable (as the durability setting defines) and indexed. */
    private volatile OpenLogState committed;
    /** Where the next frame goes: includes frames written but not yet committed. Written under {@link #lock}. */
    private volatile OpenLogState written;
    /** Group commit: whether a sync of this log is running (its leader forces; the others wait). Guarded by syncLock. */
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition syncDone = syncLock.newCondition();
    private boolean syncing;
    /** Index entries of written, uncommitted frames, in seq order. Guarded by {@link #lock}. */
    private final ArrayList<IndexEntry> pending = new ArrayList<>();
    /** For each pending entry, the newlines up to and including its chunk (unknown: -1). Guarded by {@link #lock}. */
    private final ArrayList<Long> pendingNewlines = new ArrayList<>();
    /** Set under {@link #lock} by {@link #close}. */
    private volatile boolean closed;

    private FsAppender(JobId job, Path dir, OpenLogFiles files, FileLock writerLock, FileLock fileLock, OpenLogState state,
                       Durability durability) {
        this.job = job;
        this.dir = dir;
        this.files = files;
        this.writerLock = writerLock;
        this.fileLock = fileLock;
        this.committed = state;
        this.written = state;
        this.durability = durability;
    }

    /**
     * Opens the open log in {@code dir} (creating its files when asked), takes its lock and recovers it.
     *
     * @throws LogLockedException when another process or store instance holds the lock
     */
    static FsAppender open(JobId job, Path dir, boolean create, Durability durability) throws IOException {
        StandardOpenOption[] opts = create
                ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE}
                : new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        FileChannel log = FileChannel.open(dir.resolve(FsLayout.OPEN_LOG), opts);
        FileChannel idx;
        try {
            idx = FileChannel.open(dir.resolve(FsLayout.OPEN_INDEX), StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE);
        } catch (IOException e) {
            log.close();
            throw e;
        }
        FileChannel lines;
        try {
            lines = OpenLogFiles.openLines(dir, true);
            if (lines == null && idx.size() == 0) {
                // A new log (or one that never committed a chunk): keep its newline counts. An open log with index
                // entries and no open.lines was stored before counts were kept and stays without them.
                lines = FileChannel.open(dir.resolve(FsLayout.OPEN_LINES), StandardOpenOption.READ,
                        StandardOpenOption.WRITE, StandardOpenOption.CREATE);
            }
        } catch (IOException e) {
            log.close();
            idx.close();
            throw e;
        }
        OpenLogFiles files = new OpenLogFiles(job, log, idx, lines);
        FileChannel roleChannel = null;
        FileLock role = null;
        FileLock fl = null;
        try {
            roleChannel = FileChannel.open(dir.resolve(FsLayout.WRITER_LOCK), StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE);
            role = tryLock(roleChannel);
            fl = role == null ? null : tryLock(log); // null: a writer of an older version holds open.log
        } catch (IOException | RuntimeException e) {
            files.close();
            if (roleChannel != null) {
                roleChannel.close();
            }
            throw e;
        }
        if (role == null || fl == null) {
            files.close();
            roleChannel.close(); // releases the role's lock, if it was taken
            throw new LogLockedException(job, "another process or store instance (writer.lock is locked)");
        }
        try {
            OpenLogState state = recover(job, files);
            return new FsAppender(job, dir, files, role, fl,
                    state.withNewlines(recoverLines(job, files, state.chunks())), durability);
        } catch (IOException | RuntimeException e) {
            fl.release();
            files.close();
            closeLock(role);
            throw e;
        }
    }

    /** The channel's exclusive lock, or null when another process or store instance holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by another store instance in this JVM
        }
    }

    /** Releases a {@code writer.lock} lock and closes its channel (which alone would release it too). */
    private static void closeLock(FileLock lock) throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lock.channel().close();
        }
    }

    /**
     * Makes open.log and open.idx agree after any stop, clean or not. Only the writer runs it, with the lock held:
     * <ol>
     * <li>keeps the longest prefix of index entries that are intact and chained (each starts where the previous
     *     frame and raw range ended): the index is not fsynced, so after a power loss any of its pages may be stale;
     * <li>drops entries at the end whose frame is missing or fails its CRCs (only possible without fsync, or when
     *     the file was damaged);
     * <li>indexes every intact frame after the last entry, in seq order (written but never committed, or committed
     *     with an index page that did not reach the disk);
     * <li>cuts the torn bytes at both tails.
     * </ol>
     * Reads the index once sequentially and the frames after its end; nothing else. Readers ({@link FsSnapshot})
     * show the same chunks before it runs, so "read, then append the rest" agrees with it.
     */
    private static OpenLogState recover(JobId job, OpenLogFiles f) throws IOException {
        long onDisk = f.indexEntries();
        long logSize = f.log.size();
        long entries = 0;
        IndexEntry last = null;
        scan:
        while (entries < onDisk) {
            int n = (int) Math.min(16_384, onDisk - entries);
            IndexEntry[] block = f.entries(entries, n);
            for (IndexEntry e : block) {
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
        while (entries > 0 && f.frame(last.fileOffset(), entries - 1, true) == null) {
            entries--;
            last = entries == 0 ? null : f.entry(entries - 1);
        }
        long dropped = onDisk - entries;
        List<IndexEntry> frames = f.intactFramesAfter(last, entries);
        int reindexed = frames.size();
        if (reindexed > 0) {
            ByteBuffer b = ByteBuffer.allocate(reindexed * IndexEntry.BYTES);
            for (IndexEntry e : frames) {
                e.encodeInto(b);
            }
            OpenLogFiles.writeFully(f.idx, b.flip(), entries * IndexEntry.BYTES);
            entries += reindexed;
            last = frames.get(reindexed - 1);
        }
        long pos = last == null ? 0 : last.frameEnd();
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
        return OpenLogState.after(entries, last, LogTotals.UNKNOWN_NEWLINES);
    }

    /**
     * Makes open.lines agree with the recovered index of {@code entries} chunks: keeps the longest prefix of intact
     * entries whose counts never go down, counts the newlines of the chunks after it from their frames (those
     * re-indexed by {@link #recover}, or whose count did not reach the disk), and cuts the rest. Reads open.lines
     * once and decodes only the chunks without a count.
     *
     * @return the log's newline count, or {@link LogTotals#UNKNOWN_NEWLINES} for a log without open.lines (stored
     *     before counts were kept) or whose chunks could not be counted
     */
    private static long recoverLines(JobId job, OpenLogFiles f, long entries) throws IOException {
        if (f.lines == null) {
            return LogTotals.UNKNOWN_NEWLINES;
        }
        long onDisk = Math.min(f.lineEntries(), entries);
        long valid = 0;
        long total = 0;
        scan:
        while (valid < onDisk) {
            int n = (int) Math.min(16_384, onDisk - valid);
            ByteBuffer b = ByteBuffer.allocate(n * OpenLogFiles.LINES_BYTES);
            OpenLogFiles.readFully(f.lines, b, valid * OpenLogFiles.LINES_BYTES);
            for (int i = 0; i < n; i++) {
                long count = OpenLogFiles.decodeLines(b, i * OpenLogFiles.LINES_BYTES, valid);
                if (count < total) {
                    break scan; // torn, damaged or not written: counted again below
                }
                total = count;
                valid++;
            }
        }
        long derived = entries - valid;
        if (derived > 0) {
            try (ChunkCodec codec = new ChunkCodec(ChunkCodec.DEFAULT_LEVEL)) {
                ByteBuffer out = ByteBuffer.allocate((int) derived * OpenLogFiles.LINES_BYTES);
                for (long seq = valid; seq < entries; seq++) {
                    IndexEntry e = f.entry(seq);
                    if (e == null) {
                        throw new CorruptLogException(job, "open.idx entry for seq " + seq + " (CRC mismatch)");
                    }
                    byte[] span = f.logBytes(e.fileOffset(), e.frameEnd(), seq);
                    EncodedChunk body = f.body(seq, e, span, e.fileOffset());
                    // The fs store keeps no dictionaries, so a body decodes on its own.
                    byte[] raw = codec.decode(job, seq, body.payload(), 0, body.payload().length, body.encoding(),
                            body.rawLength(), body.crc32c());
                    total += LogTotals.countNewlines(raw);
                    OpenLogFiles.encodeLines(out, seq, total);
                }
                OpenLogFiles.writeFully(f.lines, out.flip(), valid * OpenLogFiles.LINES_BYTES);
            } catch (CorruptLogException e) {
                // A chunk that cannot be decoded cannot be counted: keep the counts before it and record no more for
                // this log (reads fall back to reading from the last counted chunk; the chunk's own read reports it).
                LOG.warn("job {}: open.lines stops at seq {}: {}", job, valid, e.getMessage());
                f.lines.truncate(valid * OpenLogFiles.LINES_BYTES);
                f.lines.force(true);
                return LogTotals.UNKNOWN_NEWLINES;
            }
        }
        boolean repaired = derived > 0 || f.lines.size() != entries * OpenLogFiles.LINES_BYTES;
        if (f.lines.size() != entries * OpenLogFiles.LINES_BYTES) {
            f.lines.truncate(entries * OpenLogFiles.LINES_BYTES);
        }
        if (repaired) {
            f.lines.force(true);
        }
        return total;
    }

    @Override
    public LogTotals written() {
        return written.totals();
    }

    @Override
    public LogTotals committed() {
        return committed.totals();
    }

    @Override
    public StoredChunk chunk(long seq) throws IOException {
        lock.lock();
        try {
            long firstPending = committed.chunks();
            IndexEntry e;
            if (seq < firstPending) {
                e = files.entry(seq);
                if (e == null) {
                    throw new CorruptLogException(job, "open.idx entry for seq " + seq + " (CRC mismatch)");
                }
            } else {
                e = pending.get((int) (seq - firstPending));
            }
            byte[] span = files.logBytes(e.fileOffset(), e.frameEnd(), seq);
            return new StoredChunk(e.toChunkEntry(seq), files.body(seq, e, span, e.fileOffset()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(StoredChunk chunk, LogTotals after) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            OpenLogState s = written;
            EncodedChunk body = chunk.body();
            byte[] payload = body.payload();
            ChunkFrame frame = new ChunkFrame(chunk.seq(), chunk.entry().stream(), body.encoding(), body.dictionaryId(),
                    chunk.entry().timestampMillis(), body.rawLength(), payload.length, body.crc32c(),
                    Crc32c.of(payload, 0, payload.length));
            ByteBuffer out = ByteBuffer.allocate(ChunkFrame.HEADER_BYTES + payload.length);
            out.put(frame.encode()).put(payload).flip();
            OpenLogFiles.writeFully(files.log, out, s.logFileBytes());
            IndexEntry entry = new IndexEntry(s.logFileBytes(), s.rawBytes(), body.rawLength(), payload.length,
                    chunk.entry().timestampMillis(), body.crc32c(), after.crc32c(), chunk.entry().stream());
            pending.add(entry);
            pendingNewlines.add(after.newlines());
            written = OpenLogState.after(chunk.seq() + 1, entry, after.newlines());
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the writer of job " + job + " is closed");
        }
    }

    @Override
    public void sync() throws IOException {
        switch (durability) {
            case FSYNC -> commitLocking(true);
            case NONE -> commitLocking(false);
            case GROUP -> groupSync();
        }
    }

    /** Takes the lock and commits. A closed appender was flushed by its close. */
    private void commitLocking(boolean durable) throws IOException {
        lock.lock();
        try {
            if (!closed) {
                commit(durable);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Group commit, leader/follower: the first caller to find no sync running becomes the leader and forces at once
     * (no timer: a lone appender waits for one fsync, exactly as with {@code fsync}); callers arriving while it
     * forces wait, and the first of them leads the next force, which covers all of them. The force runs outside the
     * write lock, so appends to this log go on meanwhile. Logs sync independently, on their appenders' own threads:
     * concurrent fsyncs of different files are coalesced by the filesystem into one journal commit (see ADR 0002 for
     * the measurements behind this choice over a shared journal file).
     */
    private void groupSync() throws IOException {
        long target = written.chunks();
        syncLock.lock();
        try {
            while (committed.chunks() < target && !closed) {
                if (syncing) {
                    syncDone.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                syncLock.unlock();
                try {
                    forceAndCommit();
                } finally {
                    syncLock.lock();
                    syncing = false;
                    syncDone.signalAll();
                }
            }
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * One group commit: notes how far the log is written, forces open.log without holding the write lock, then
     * publishes the chunks that force covered (their index entries first). A flush or close in between may have
     * committed some or all of them already; only the rest are committed here.
     */
    private void forceAndCommit() throws IOException {
        OpenLogState upTo;
        lock.lock();
        try {
            if (closed || pending.isEmpty()) {
                return;
            }
            upTo = written;
        } finally {
            lock.unlock();
        }
        files.log.force(false); // everything written before this call is durable once it returns
        lock.lock();
        try {
            if (closed) {
                return; // close flushed everything
            }
            int covered = (int) (upTo.chunks() - committed.chunks());
            if (covered <= 0) {
                return;
            }
            writeLines(committed.chunks(), covered);
            ByteBuffer entries = ByteBuffer.allocate(covered * IndexEntry.BYTES);
            for (IndexEntry e : pending.subList(0, covered)) {
                e.encodeInto(entries);
            }
            OpenLogFiles.writeFully(files.idx, entries.flip(), committed.indexFileBytes());
            pending.subList(0, covered).clear();
            pendingNewlines.subList(0, covered).clear();
            committed = upTo;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes every written chunk visible, under {@link #lock}: forces {@code open.log} when {@code durable} (the
     * frames must be on disk before an index entry may point at them), then writes the pending index entries in
     * one write and publishes the new state.
     */
    private void commit(boolean durable) throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        if (durable) {
            files.log.force(false);
        }
        writeLines(committed.chunks(), pending.size());
        ByteBuffer entries = ByteBuffer.allocate(pending.size() * IndexEntry.BYTES);
        for (IndexEntry e : pending) {
            e.encodeInto(entries);
        }
        OpenLogFiles.writeFully(files.idx, entries.flip(), committed.indexFileBytes());
        pending.clear();
        pendingNewlines.clear();
        committed = written;
    }

    /**
     * Writes the open.lines entries of the first {@code count} pending chunks (seqs from {@code firstSeq}), before
     * their index entries, so a chunk readers see has its count. Like open.idx it is not fsynced per commit: recovery
     * counts again what did not reach the disk. Nothing is written for a log without counts.
     */
    private void writeLines(long firstSeq, int count) throws IOException {
        if (files.lines == null || count == 0 || pendingNewlines.get(count - 1) < 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(count * OpenLogFiles.LINES_BYTES);
        for (int i = 0; i < count; i++) {
            OpenLogFiles.encodeLines(b, firstSeq + i, pendingNewlines.get(i));
        }
        OpenLogFiles.writeFully(files.lines, b.flip(), firstSeq * OpenLogFiles.LINES_BYTES);
    }

    /** Commits durably and forces the index too, so a clean restart has nothing to re-index. */
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            ensureOpen();
            commit(true);
            files.log.force(false);
            files.idx.force(false);
            if (files.lines != null) {
                files.lines.force(false);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OpenLogSnapshot snapshot() throws IOException {
        OpenLogState state = committed;
        if (closed) {
            throw new StaleSnapshotException(job, "its writer was closed");
        }
        // Channels of its own: NIO closes a channel when a thread reading it is interrupted, and an interrupted
        // reader must never take the writer's channels down with it.
        FileChannel log;
        try {
            log = FileChannel.open(dir.resolve(FsLayout.OPEN_LOG), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new StaleSnapshotException(job, "open.log is gone");
        }
        try {
            FileChannel idx = FileChannel.open(dir.resolve(FsLayout.OPEN_INDEX), StandardOpenOption.READ);
            FileChannel lines;
            try {
                lines = OpenLogFiles.openLines(dir, false);
            } catch (IOException | RuntimeException e) {
                idx.close();
                throw e;
            }
            return FsSnapshot.ofCommitted(new OpenLogFiles(job, log, idx, lines), state);
        } catch (NoSuchFileException e) {
            log.close();
            throw new StaleSnapshotException(job, "open.idx is gone");
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                if (files.log.isOpen() && files.idx.isOpen()) {
                    commit(true);
                    files.log.force(false);
                    files.idx.force(false);
                    if (files.lines != null) {
                        files.lines.force(false);
                    }
                }
            } finally {
                closed = true;
                try {
                    if (fileLock.isValid()) {
                        fileLock.release();
                    }
                } finally {
                    try {
                        files.close();
                    } finally {
                        closeLock(writerLock); // last: the role is given back once the files are closed
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "FsAppender[" + job + ", " + durability + "]";
    }
}
