package dev.cinch.logs.fs;

import dev.cinch.logs.ChunkConflictException;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.InvalidChunkException;
import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogNotSealedException;
import dev.cinch.logs.LogSealedException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreClosedException;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.LogStoreIOException;
import dev.cinch.logs.archive.ArchiveSummary;
import dev.cinch.logs.archive.FileByteSource;
import dev.cinch.logs.archive.SeekableArchiveReader;
import dev.cinch.logs.archive.SeekableArchiveWriter;
import dev.cinch.logs.codec.ChunkCodec;
import dev.cinch.logs.follow.StoreFollower;
import dev.cinch.logs.text.TailLines;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Logs as files: an append-only chunk file plus a fixed-size index per open log, and one seekable-zstd archive
 * per sealed log (layout in {@link FsLayout}).
 *
 * <p><b>Durability</b> ({@code fs.durability}): see {@link Durability}. In every mode an acknowledged append has
 * been written to the operating system, so it survives {@code kill -9}; {@code group} (default) and {@code fsync}
 * also survive power loss. Seal, import and delete are always fsynced, including the folder entries.
 *
 * <p><b>Crash safety</b>: the first writer to open a log after a crash cuts torn tails and re-indexes frames the
 * index missed ({@link OpenLogWriter}); seal writes the archive to {@code tmp/}, fsyncs it, renames it into place
 * atomically and only then removes the open files, so a log is always readable from exactly one form (the archive
 * wins when both exist).
 *
 * <p><b>Processes</b>: one process writes a log at a time (a file lock; a second writer gets
 * {@link dev.cinch.logs.LogLockedException}); any number of processes read and follow.
 */
public final class FsLogStore implements LogStore {
    private static final int LOCK_STRIPES = 256;

    private final FsStoreConfig config;
    private final FsLayout layout;
    private final ChunkCodec codec;
    private final GroupCommitter committer;
    private final FsChangeFeed feed;
    private final ArchiveCache archives = new ArchiveCache(128);
    private final ConcurrentHashMap<JobId, OpenLogWriter> writers = new ConcurrentHashMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];
    private final AtomicBoolean closed = new AtomicBoolean();

    public FsLogStore(FsStoreConfig config) {
        this.config = config;
        this.layout = new FsLayout(config.root());
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
        try {
            Files.createDirectories(layout.tmpDir());
            cleanTmp();
        } catch (IOException e) {
            throw new LogStoreIOException(null, "creating log folder " + config.root(), e);
        }
        this.codec = new ChunkCodec(config.chunkLevel());
        this.committer = config.durability() == Durability.GROUP ? new GroupCommitter(config.groupCommitInterval()) : null;
        this.feed = new FsChangeFeed(layout);
    }

    public FsStoreConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "fs";
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new LogStoreClosedException(name());
        }
    }

    private ReentrantLock stripe(JobId job) {
        return stripes[Math.floorMod(job.hashCode(), LOCK_STRIPES)];
    }

    // ---- append --------------------------------------------------------------------------------------------------

    @Override
    public void append(JobId job, LogChunk chunk) {
        checkOpen();
        if (chunk.length() > MAX_CHUNK_BYTES) {
            throw new InvalidChunkException(job, chunk.seq(), "chunk of " + chunk.length() + " bytes exceeds the limit of " + MAX_CHUNK_BYTES);
        }
        if (chunk.timestampMillis() < 0) {
            throw new InvalidChunkException(job, chunk.seq(), "negative timestamp " + chunk.timestampMillis());
        }
        try {
            while (true) {
                OpenLogWriter w = writerFor(job, chunk.seq());
                boolean wrote;
                w.lock.lock();
                try {
                    if (w.retired()) {
                        if (Files.exists(layout.sealed(job))) {
                            throw new LogSealedException(job, chunk.seq());
                        }
                        continue; // deleted meanwhile: look the log up again
                    }
                    wrote = w.appendLocked(chunk, codec);
                    switch (config.durability()) {
                        case FSYNC -> w.commit(true);
                        case NONE -> w.commit(false);
                        case GROUP -> { } // the group committer forces and commits, below
                    }
                } finally {
                    w.lock.unlock();
                }
                if (committer != null) {
                    try {
                        committer.awaitSync(w);
                    } catch (IOException e) {
                        if (!w.retired()) { // a seal or delete in between forced or removed the data itself
                            throw e;
                        }
                    }
                }
                if (wrote) {
                    feed.publish(job);
                }
                return;
            }
        } catch (ClosedChannelException e) {
            // The appending thread was interrupted (NIO closes the channel): drop this writer so the next append
            // reopens and recovers the files instead of failing forever.
            dropWriter(job);
            throw new LogStoreIOException(job, "append of seq " + chunk.seq() + " (interrupted)", e);
        } catch (IOException e) {
            throw new LogStoreIOException(job, "append of seq " + chunk.seq(), e);
        }
    }

    private void dropWriter(JobId job) {
        ReentrantLock lock = stripe(job);
        lock.lock();
        try {
            retireWriter(job);
        } catch (IOException ignored) {
            // already broken; the files are recovered by the next writer
        } finally {
            lock.unlock();
        }
    }

    /** Takes the job's writer out of service: appenders still holding it will look the log up again. */
    private void retireWriter(JobId job) throws IOException {
        OpenLogWriter w = writers.remove(job);
        if (w != null) {
            w.lock.lock();
            try {
                w.retire();
                w.close();
            } finally {
                w.lock.unlock();
            }
        }
    }

    /** The writer of the job's open log, opening or creating it. Sealed logs and bad first seqs create nothing. */
    private OpenLogWriter writerFor(JobId job, long seq) throws IOException {
        OpenLogWriter w = writers.get(job);
        if (w != null) {
            return w;
        }
        ReentrantLock lock = stripe(job);
        lock.lock();
        try {
            w = writers.get(job);
            if (w != null) {
                return w;
            }
            if (Files.exists(layout.sealed(job))) {
                throw new LogSealedException(job, seq);
            }
            Path dir = layout.jobDir(job);
            boolean exists = Files.exists(dir.resolve(FsLayout.OPEN_LOG));
            if (!exists && seq != 0) {
                throw new dev.cinch.logs.SequenceGapException(job, 0, seq);
            }
            if (!exists) {
                createJobDir(dir);
            }
            // Logs whose worker vanished never seal: cap the open writers (two file descriptors each).
            if (writers.size() >= config.maxOpenWriters()) {
                closeIdleWriters(Math.max(1, config.maxOpenWriters() / 4));
            }
            w = OpenLogWriter.open(job, dir, !exists);
            if (!exists) {
                fsyncDir(dir);
            }
            writers.put(job, w);
            return w;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Flushes and closes up to {@code count} writers nobody is appending through right now. An appender that still
     * holds one finds it retired and looks the log up again, so this is safe at any moment; its pending group commit
     * is honoured because the data is forced here before the close.
     */
    private void closeIdleWriters(int count) throws IOException {
        int closedCount = 0;
        for (OpenLogWriter w : writers.values()) {
            if (closedCount >= count) {
                break;
            }
            if (!w.lock.tryLock()) {
                continue;
            }
            try {
                if (!w.retired()) {
                    w.flush();
                    w.retire();
                    w.close();
                    writers.remove(w.job, w);
                    closedCount++;
                }
            } finally {
                w.lock.unlock();
            }
        }
    }

    private void createJobDir(Path dir) throws IOException {
        Path shard = dir.getParent();
        boolean newShard = !Files.isDirectory(shard);
        Files.createDirectories(dir);
        fsyncDir(shard);
        if (newShard) {
            fsyncDir(shard.getParent());
            fsyncDir(shard.getParent().getParent());
        }
    }

    // ---- seal ----------------------------------------------------------------------------------------------------

    @Override
    public void seal(JobId job) {
        checkOpen();
        ReentrantLock lock = stripe(job);
        lock.lock();
        try {
            Path sealed = layout.sealed(job);
            if (Files.exists(sealed)) {
                removeOpenFiles(job); // finish a seal that crashed after the rename
                return;
            }
            Path dir = layout.jobDir(job);
            while (true) {
                OpenLogWriter w = writers.get(job);
                if (w == null && Files.exists(dir.resolve(FsLayout.OPEN_LOG))) {
                    w = OpenLogWriter.open(job, dir, false);
                    writers.put(job, w);
                }
                if (w == null) {
                    createJobDir(dir);
                    writeArchive(job, sealed, null);
                    break;
                }
                w.lock.lock();
                try {
                    if (w.retired()) { // closed as idle meanwhile: reopen
                        writers.remove(job, w);
                        continue;
                    }
                    w.commit(true); // chunks whose appenders still wait for a group commit go into the archive
                    writeArchive(job, sealed, w);
                    w.retire();
                } finally {
                    w.lock.unlock();
                }
                removeOpenFiles(job);
                break;
            }
        } catch (IOException e) {
            throw new LogStoreIOException(job, "seal", e);
        } finally {
            lock.unlock();
        }
        feed.publish(job);
    }

    /** Streams the open log's chunks (each checked) into an archive in tmp/, then moves it into place durably. */
    private void writeArchive(JobId job, Path target, OpenLogWriter w) throws IOException {
        Path tmp = layout.tmpDir().resolve(job.value() + "." + UUID.randomUUID() + ".zst");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16);
                 SeekableArchiveWriter archive = new SeekableArchiveWriter(out, config.archive())) {
                if (w != null) {
                    OpenLogState s = w.state();
                    for (long seq = 0; seq < s.chunks(); seq++) {
                        IndexEntry e = w.files.committedEntry(seq);
                        archive.addChunk(e.stream(), e.timestampMillis(), w.files.chunkData(seq, e, codec));
                    }
                }
                ArchiveSummary summary = archive.finish();
                if (w != null && summary.crc32c() != w.state().crc32c()) {
                    throw new CorruptLogException(job, String.format("seal: archive CRC32C %08x != open log CRC32C %08x",
                            summary.crc32c(), w.state().crc32c()));
                }
                out.flush();
                ch.force(true);
            }
            moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the log folder's filesystem cannot rename atomically: " + target, e);
        }
        fsyncDir(target.getParent());
    }

    private void removeOpenFiles(JobId job) throws IOException {
        retireWriter(job);
        boolean removed = Files.deleteIfExists(layout.openLog(job));
        removed |= Files.deleteIfExists(layout.openIndex(job));
        if (removed) {
            fsyncDir(layout.jobDir(job));
        }
    }

    // ---- reads ---------------------------------------------------------------------------------------------------

    /** One way to read a log: its archive, or its open files. */
    private interface View extends AutoCloseable {
        LogStat stat();

        List<LogChunk> readChunks(long fromSeq, int maxChunks) throws IOException;

        byte[] readRange(long offset, int length) throws IOException;

        byte[] tail(int lines) throws IOException;

        @Override
        void close() throws IOException;
    }

    @FunctionalInterface
    private interface ViewFunction<T> {
        T apply(View v) throws IOException;
    }

    /** Runs {@code f} on the log's current form, once more if the log was sealed during the read. */
    private <T> T withView(JobId job, String operation, ViewFunction<T> f) {
        checkOpen();
        for (int attempt = 0; ; attempt++) {
            try (View v = view(job)) {
                return f.apply(v);
            } catch (NoSuchFileException | ClosedChannelException e) {
                // The log was sealed or deleted under the read (its open files went away): look it up again.
                if (attempt > 0) {
                    if (!exists(job)) {
                        throw new LogNotFoundException(job);
                    }
                    throw new LogStoreIOException(job, operation, e);
                }
            } catch (CorruptLogException e) {
                if (attempt > 0 || !recoverUnwrittenLog(job)) {
                    throw e;
                }
            } catch (IOException e) {
                throw new LogStoreIOException(job, operation, e);
            }
        }
    }

    /**
     * An open log nobody is writing may still carry the damage of a power loss (its index is not fsynced; the
     * writer repairs it on open). A reader that meets damage takes the writer's role once to run that recovery,
     * then reads again. Returns false when another process writes the log (its recovery already ran, so the damage
     * is real) or there is no open log.
     */
    private boolean recoverUnwrittenLog(JobId job) {
        ReentrantLock lock = stripe(job);
        lock.lock();
        try {
            Path dir = layout.jobDir(job);
            if (writers.containsKey(job) || !Files.exists(dir.resolve(FsLayout.OPEN_LOG))) {
                return false;
            }
            writers.put(job, OpenLogWriter.open(job, dir, false));
            return true;
        } catch (dev.cinch.logs.LogLockedException e) {
            return false;
        } catch (IOException e) {
            throw new LogStoreIOException(job, "recovery of the open log", e);
        } finally {
            lock.unlock();
        }
    }

    private View view(JobId job) throws IOException {
        Path sealed = layout.sealed(job);
        Optional<ArchiveCache.Lease> lease = archives.acquire(job, sealed);
        if (lease.isPresent()) {
            return new ArchiveView(job, lease.get());
        }
        // Readers open their own channels rather than share the writer's: an interrupted reader thread closes the
        // channel it was reading (NIO semantics), and that must never take the writer down with it.
        OpenLogWriter w = writers.get(job);
        OpenLogState writerState = w != null && !w.retired() ? w.state() : null;
        Path idx = layout.openIndex(job);
        if (writerState == null && !Files.exists(idx)) {
            throw new LogNotFoundException(job);
        }
        FileChannel log = FileChannel.open(layout.openLog(job), StandardOpenOption.READ);
        FileChannel ix;
        try {
            ix = FileChannel.open(idx, StandardOpenOption.READ);
        } catch (IOException e) {
            log.close();
            throw e;
        }
        OpenLogFiles files = new OpenLogFiles(job, log, ix);
        try {
            return new OpenView(job, files, writerState != null ? writerState : committedState(files));
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /** State of an open log written by another process: the last intact index entry is the committed end. */
    private static OpenLogState committedState(OpenLogFiles files) throws IOException {
        long entries = files.idx.size() / IndexEntry.BYTES;
        // The writer may be mid-way through its last entry: step back over at most one torn entry.
        for (long n = entries; n > 0 && n >= entries - 1; n--) {
            IndexEntry e = files.entry(n - 1);
            if (e != null) {
                return OpenLogState.after(n, e);
            }
        }
        if (entries > 1) {
            throw new CorruptLogException(files.job, "open.idx entries " + (entries - 2) + " and " + (entries - 1) + " (CRC mismatch)");
        }
        return OpenLogState.EMPTY;
    }

    private final class OpenView implements View {
        private final JobId job;
        private final OpenLogFiles files;
        private final OpenLogState state;

        OpenView(JobId job, OpenLogFiles files, OpenLogState state) {
            this.job = job;
            this.files = files;
            this.state = state;
        }

        @Override
        public LogStat stat() {
            return new LogStat(job, state.chunks(), state.rawBytes(), state.logFileBytes() + state.indexFileBytes(),
                    false, state.crc32c(), name(), state.lastTimestampMillis());
        }

        @Override
        public List<LogChunk> readChunks(long fromSeq, int maxChunks) throws IOException {
            checkSeq(job, fromSeq, state.chunks());
            return files.readChunks(fromSeq, maxChunks, state.chunks(), codec);
        }

        @Override
        public byte[] readRange(long offset, int length) throws IOException {
            return files.readRange(offset, length, state.chunks(), state.rawBytes(), codec);
        }

        @Override
        public byte[] tail(int lines) {
            return TailLines.read(job, state.rawBytes(), lines, (off, len) -> {
                try {
                    return files.readRange(off, len, state.chunks(), state.rawBytes(), codec);
                } catch (IOException e) {
                    throw new LogStoreIOException(job, "tail read at offset " + off, e);
                }
            });
        }

        @Override
        public void close() throws IOException {
            files.close();
        }
    }

    private final class ArchiveView implements View {
        private final JobId job;
        private final ArchiveCache.Lease lease;

        ArchiveView(JobId job, ArchiveCache.Lease lease) {
            this.job = job;
            this.lease = lease;
        }

        @Override
        public LogStat stat() {
            SeekableArchiveReader r = lease.reader();
            long last = r.chunkCount() == 0 ? 0 : r.chunk(r.chunkCount() - 1).timestampMillis();
            return new LogStat(job, r.chunkCount(), r.rawSize(), r.archiveSize(), true, r.crc32c(), name(), last);
        }

        @Override
        public List<LogChunk> readChunks(long fromSeq, int maxChunks) {
            checkSeq(job, fromSeq, lease.reader().chunkCount());
            return lease.reader().readChunks(fromSeq, maxChunks);
        }

        @Override
        public byte[] readRange(long offset, int length) {
            return lease.reader().readRange(offset, length);
        }

        @Override
        public byte[] tail(int lines) {
            byte[] tail = lease.reader().tailLines(lines);
            if (tail.length > MAX_READ_BYTES) {
                throw new InvalidRangeException(job, "the last " + lines + " lines hold " + tail.length
                        + " bytes, more than one read may return (" + MAX_READ_BYTES + ")");
            }
            return tail;
        }

        @Override
        public void close() {
            lease.close();
        }
    }

    private static void checkSeq(JobId job, long fromSeq, long chunks) {
        if (fromSeq < 0 || fromSeq > chunks) {
            throw new InvalidRangeException(job, "seq " + fromSeq + " is outside the log (0.." + chunks + ")");
        }
    }

    @Override
    public List<LogChunk> readChunks(JobId job, long fromSeq, int maxChunks) {
        if (maxChunks < 1 || maxChunks > MAX_PAGE_CHUNKS) {
            throw new InvalidRangeException(job, "maxChunks must be 1.." + MAX_PAGE_CHUNKS + ", got " + maxChunks);
        }
        if (fromSeq < 0) {
            throw new InvalidRangeException(job, "seq " + fromSeq + " is negative");
        }
        return withView(job, "read chunks from seq " + fromSeq, v -> v.readChunks(fromSeq, maxChunks));
    }

    @Override
    public byte[] readRange(JobId job, long offset, int length) {
        if (offset < 0) {
            throw new InvalidRangeException(job, "offset " + offset + " is negative");
        }
        if (length < 0 || length > MAX_READ_BYTES) {
            throw new InvalidRangeException(job, "length " + length + " at offset " + offset + " must be 0.." + MAX_READ_BYTES);
        }
        return withView(job, "read range at offset " + offset, v -> v.readRange(offset, length));
    }

    @Override
    public byte[] readTailLines(JobId job, int lines) {
        if (lines < 0) {
            throw new InvalidRangeException(job, "tail lines must be >= 0, got " + lines);
        }
        return withView(job, "tail " + lines + " lines", v -> v.tail(lines));
    }

    @Override
    public LogStat stat(JobId job) {
        return withView(job, "stat", View::stat);
    }

    @Override
    public boolean exists(JobId job) {
        checkOpen();
        return Files.exists(layout.sealed(job)) || Files.exists(layout.openIndex(job));
    }

    @Override
    public LogFollower follow(JobId job, long fromSeq) {
        checkOpen();
        return new StoreFollower(this, job, fromSeq, feed);
    }

    // ---- delete and list -----------------------------------------------------------------------------------------

    @Override
    public void delete(JobId job) {
        checkOpen();
        ReentrantLock lock = stripe(job);
        lock.lock();
        try {
            removeOpenFiles(job);
            archives.invalidate(job);
            Path dir = layout.jobDir(job);
            boolean removed = Files.deleteIfExists(layout.sealed(job));
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir)) {
                    for (Path p : leftovers) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
                removed = true;
            }
            if (removed) {
                fsyncDir(dir.getParent());
            }
        } catch (IOException e) {
            throw new LogStoreIOException(job, "delete", e);
        } finally {
            lock.unlock();
        }
        feed.publish(job);
    }

    /**
     * Walks the shard folders keeping only the smallest {@code limit + 1} matching ids: O(jobs) folder entries read,
     * O(limit) memory. The metadata database is the index of jobs; this is for operators and tier moves.
     */
    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) {
        checkOpen();
        if (!JobId.isValidPrefix(prefix)) {
            throw new LogStoreException(null, "invalid list prefix '" + (prefix == null ? "null" : prefix.replaceAll("[^A-Za-z0-9_-]", "?"))
                    + "': must be a job id prefix");
        }
        if (limit < 1 || limit > 10_000) {
            throw new LogStoreException(null, "list limit must be 1..10000, got " + limit);
        }
        TreeSet<String> smallest = new TreeSet<>();
        String after = startAfter == null ? null : startAfter.value();
        try (DirectoryStream<Path> level1 = Files.newDirectoryStream(layout.root())) {
            for (Path a : level1) {
                if (!FsLayout.isShardName(a.getFileName().toString()) || !Files.isDirectory(a)) {
                    continue;
                }
                try (DirectoryStream<Path> level2 = Files.newDirectoryStream(a)) {
                    for (Path b : level2) {
                        if (!FsLayout.isShardName(b.getFileName().toString()) || !Files.isDirectory(b)) {
                            continue;
                        }
                        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(b)) {
                            for (Path j : jobs) {
                                String id = j.getFileName().toString();
                                if (!id.startsWith(prefix) || (after != null && id.compareTo(after) <= 0)) {
                                    continue;
                                }
                                if (smallest.size() > limit && id.compareTo(smallest.last()) >= 0) {
                                    continue;
                                }
                                if (Files.exists(j.resolve(FsLayout.SEALED)) || Files.exists(j.resolve(FsLayout.OPEN_INDEX))) {
                                    smallest.add(id);
                                    if (smallest.size() > limit + 1) {
                                        smallest.pollLast();
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new LogStoreIOException(null, "list of " + layout.root(), e);
        }
        List<JobId> ids = new ArrayList<>();
        for (String id : smallest) {
            if (ids.size() == limit) {
                break;
            }
            ids.add(JobId.of(id));
        }
        Optional<JobId> next = smallest.size() > limit ? Optional.of(ids.get(ids.size() - 1)) : Optional.empty();
        return new JobPage(ids, next);
    }

    // ---- archive hand-off ----------------------------------------------------------------------------------------

    @Override
    public void exportArchive(JobId job, OutputStream out) {
        checkOpen();
        Path sealed = layout.sealed(job);
        try (InputStream in = Files.newInputStream(sealed)) {
            in.transferTo(out);
        } catch (NoSuchFileException e) {
            if (exists(job)) {
                throw new LogNotSealedException(job, "archive export");
            }
            throw new LogNotFoundException(job);
        } catch (IOException e) {
            throw new LogStoreIOException(job, "archive export", e);
        }
    }

    @Override
    public void importArchive(JobId job, InputStream archive) {
        checkOpen();
        Path tmp = layout.tmpDir().resolve(job.value() + "." + UUID.randomUUID() + ".import");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                archive.transferTo(out);
                ch.force(true);
            }
            SeekableArchiveReader incoming;
            try (FileByteSource src = FileByteSource.open(tmp)) {
                try {
                    incoming = SeekableArchiveReader.open(src, job);
                    incoming.verifyAll();
                } catch (LogStoreException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new CorruptLogException(job, "imported archive: " + e, e);
                }
            }
            ReentrantLock lock = stripe(job);
            lock.lock();
            try {
                Path sealed = layout.sealed(job);
                if (Files.exists(sealed) || Files.exists(layout.openIndex(job))) {
                    LogStat existing = stat(job);
                    if (existing.sealed() && existing.crc32c() == incoming.crc32c() && existing.rawBytes() == incoming.rawSize()
                            && existing.chunks() == incoming.chunkCount()) {
                        return; // the same log again: a resumed move
                    }
                    throw new ChunkConflictException(job, 0, "import of an archive over a stored log with other content ("
                            + existing.checksum() + ", " + existing.rawBytes() + " bytes, sealed " + existing.sealed() + ")");
                }
                createJobDir(layout.jobDir(job));
                moveIntoPlace(tmp, sealed);
                archives.invalidate(job);
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            throw new LogStoreIOException(job, "archive import", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // best effort: tmp/ is swept at the next start
            }
        }
        feed.publish(job);
    }

    // ---- housekeeping --------------------------------------------------------------------------------------------

    private void cleanTmp() throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(layout.tmpDir())) {
            for (Path p : stale) {
                Files.deleteIfExists(p); // half-written archives of a crashed seal or import
            }
        }
    }

    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Exception> failures = new ArrayList<>();
        if (committer != null) {
            committer.close();
        }
        feed.close();
        for (OpenLogWriter w : writers.values()) {
            w.lock.lock();
            try {
                w.flush();
                w.retire();
                w.close();
            } catch (IOException e) {
                failures.add(e);
            } finally {
                w.lock.unlock();
            }
        }
        writers.clear();
        archives.close();
        codec.close();
        if (!failures.isEmpty()) {
            LogStoreIOException e = new LogStoreIOException(null, "closing fs store", failures.get(0));
            failures.subList(1, failures.size()).forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Writers currently open (for tests and metrics). */
    int openWriters() {
        return writers.size();
    }

    @Override
    public String toString() {
        return "FsLogStore[" + config.root() + ", durability=" + config.durability() + "]";
    }
}
