package dev.cinch.logs;

import dev.cinch.logs.archive.ArchiveOptions;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * A store that hands every call to another one: the base of decorators that wrap any store (a policy on the write
 * path, metrics, a tier's name in errors), so each overrides only what it changes.
 */
public abstract class ForwardingLogStore implements LogStore {
    private final LogStore delegate;

    protected ForwardingLogStore(LogStore delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    /** The store below this one. */
    protected final LogStore delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void append(JobId job, LogChunk chunk) {
        delegate.append(job, chunk);
    }

    @Override
    public LogWriter openWriter(JobId job) {
        return delegate.openWriter(job);
    }

    @Override
    public void seal(JobId job) {
        delegate.seal(job);
    }

    @Override
    public List<LogChunk> readChunks(JobId job, long fromSeq, int maxChunks) {
        return delegate.readChunks(job, fromSeq, maxChunks);
    }

    @Override
    public byte[] readRange(JobId job, long offset, int length) {
        return delegate.readRange(job, offset, length);
    }

    // readRange into a buffer is deliberately not forwarded: LogStore's default reads through this.readRange, so a
    // decorator that changes the bytes it serves (masking) cannot leak the delegate's through the buffer form.

    @Override
    public byte[] readTailLines(JobId job, int lines) {
        return delegate.readTailLines(job, lines);
    }

    @Override
    public byte[] readLines(JobId job, long fromLine, int count) {
        return delegate.readLines(job, fromLine, count);
    }

    @Override
    public java.util.List<LogRange> rangesThatMayContain(JobId job, byte[] literal) {
        return delegate.rangesThatMayContain(job, literal);
    }

    @Override
    public LogStat stat(JobId job) {
        return delegate.stat(job);
    }

    @Override
    public LogCheck verify(JobId job) {
        return delegate.verify(job);
    }

    @Override
    public boolean exists(JobId job) {
        return delegate.exists(job);
    }

    @Override
    public LogFollower follow(JobId job, long fromSeq) {
        return delegate.follow(job, fromSeq);
    }

    @Override
    public void delete(JobId job) {
        delegate.delete(job);
    }

    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) {
        return delegate.list(prefix, startAfter, limit);
    }

    @Override
    public void exportArchive(JobId job, OutputStream out) {
        delegate.exportArchive(job, out);
    }

    @Override
    public void importArchive(JobId job, InputStream archive) {
        delegate.importArchive(job, archive);
    }

    @Override
    public java.util.stream.Stream<dev.cinch.logs.text.SearchMatch> search(JobId job, String pattern,
                                                                            dev.cinch.logs.text.SearchOptions options) {
        return delegate.search(job, pattern, options);
    }

    @Override
    public Optional<ArchiveOptions> archiveOptions() {
        return delegate.archiveOptions();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** A writer that hands every call to another one, for decorators of {@link #openWriter}. */
    public abstract static class ForwardingLogWriter implements LogWriter {
        private final LogWriter delegate;

        protected ForwardingLogWriter(LogWriter delegate) {
            this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
        }

        protected final LogWriter delegate() {
            return delegate;
        }

        @Override
        public JobId job() {
            return delegate.job();
        }

        @Override
        public long nextSeq() {
            return delegate.nextSeq();
        }

        @Override
        public void append(LogStream stream, long timestampMillis, byte[] data, int off, int len) {
            delegate.append(stream, timestampMillis, data, off, len);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** A follower that hands every call to another one, for decorators of {@link #follow}. */
    public abstract static class ForwardingLogFollower implements LogFollower {
        private final LogFollower delegate;

        protected ForwardingLogFollower(LogFollower delegate) {
            this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
        }

        protected final LogFollower delegate() {
            return delegate;
        }

        @Override
        public List<LogChunk> poll(java.time.Duration timeout) throws InterruptedException {
            return delegate.poll(timeout);
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public long nextSeq() {
            return delegate.nextSeq();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
