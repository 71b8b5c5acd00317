package dev.cinch.logs.storage;

import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.follow.ChangeFeed;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LogStorage} that forwards everything to a real one and counts what reads of open logs fetch: chunks
 * returned by {@link OpenLogSnapshot#read} and index look-ups. Lets the contract check what a read costs, not only
 * what it answers.
 */
public final class CountingStorage implements LogStorage {
    private final LogStorage delegate;
    /** Chunks open-log snapshots returned from read. */
    public final AtomicLong chunksRead = new AtomicLong();
    /** Calls of entry, seqAt and newlinesBefore on open-log snapshots. */
    public final AtomicLong lookups = new AtomicLong();

    public CountingStorage(LogStorage delegate) {
        this.delegate = delegate;
    }

    public void reset() {
        chunksRead.set(0);
        lookups.set(0);
    }

    @Override
    public LogForm form(JobId job) {
        return delegate.form(job);
    }

    @Override
    public Optional<OpenLogAppender> openAppender(JobId job, boolean create) throws IOException {
        return delegate.openAppender(job, create).map(CountingAppender::new);
    }

    @Override
    public Optional<OpenLogSnapshot> openSnapshot(JobId job) throws IOException {
        return delegate.openSnapshot(job).map(CountingSnapshot::new);
    }

    @Override
    public Optional<ArchiveRef> archive(JobId job) throws IOException {
        return delegate.archive(job);
    }

    @Override
    public Optional<ByteSource> openArchive(JobId job, ArchiveRef ref) throws IOException {
        return delegate.openArchive(job, ref);
    }

    @Override
    public ArchiveUpload newArchive(JobId job) throws IOException {
        return delegate.newArchive(job);
    }

    @Override
    public void delete(JobId job) throws IOException {
        delegate.delete(job);
    }

    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) throws IOException {
        return delegate.list(prefix, startAfter, limit);
    }

    @Override
    public void finishSeal(JobId job) throws IOException {
        delegate.finishSeal(job);
    }

    @Override
    public ChangeFeed changes() {
        return delegate.changes();
    }

    @Override
    public int maxOpenAppenders() {
        return delegate.maxOpenAppenders();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private final class CountingAppender implements OpenLogAppender {
        private final OpenLogAppender a;

        CountingAppender(OpenLogAppender a) {
            this.a = a;
        }

        @Override
        public LogTotals written() {
            return a.written();
        }

        @Override
        public LogTotals committed() {
            return a.committed();
        }

        @Override
        public StoredChunk chunk(long seq) throws IOException {
            return a.chunk(seq);
        }

        @Override
        public void write(StoredChunk chunk, LogTotals after) throws IOException {
            a.write(chunk, after);
        }

        @Override
        public void sync() throws IOException {
            a.sync();
        }

        @Override
        public void flush() throws IOException {
            a.flush();
        }

        @Override
        public OpenLogSnapshot snapshot() throws IOException {
            return new CountingSnapshot(a.snapshot());
        }

        @Override
        public void close() throws IOException {
            a.close();
        }
    }

    private final class CountingSnapshot implements OpenLogSnapshot {
        private final OpenLogSnapshot s;

        CountingSnapshot(OpenLogSnapshot s) {
            this.s = s;
        }

        @Override
        public LogTotals totals() {
            return s.totals();
        }

        @Override
        public long storedBytes() {
            return s.storedBytes();
        }

        @Override
        public ChunkIndexEntry entry(long seq) throws IOException {
            lookups.incrementAndGet();
            return s.entry(seq);
        }

        @Override
        public long seqAt(long rawOffset) throws IOException {
            lookups.incrementAndGet();
            return s.seqAt(rawOffset);
        }

        @Override
        public long newlinesBefore(long seq) throws IOException {
            lookups.incrementAndGet();
            return s.newlinesBefore(seq);
        }

        @Override
        public List<StoredChunk> read(long fromSeq, long toSeq) throws IOException {
            List<StoredChunk> out = s.read(fromSeq, toSeq);
            chunksRead.addAndGet(out.size());
            return out;
        }

        @Override
        public void close() {
            s.close();
        }
    }
}
