package dev.cinch.logs.s3;

import dev.cinch.logs.JobId;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.OpenLogAppender;
import dev.cinch.logs.storage.OpenLogSnapshot;
import dev.cinch.logs.storage.StaleSnapshotException;
import dev.cinch.logs.storage.StoredChunk;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer role of one open log on S3. Chunks written are buffered in memory and stored as segment objects,
 * each cut at {@code s3.segment-size} bytes; when they are stored is {@link S3Durability}'s promise. A segment's key is
 * its first seq and raw offset, and it is stored with {@code If-None-Match: *}: when the key exists, either our own
 * earlier attempt stored it (a retry after a lost response: the bytes are equal, which counts as success) or another
 * writer did, and then this one has lost the role: the write fails with {@link dev.cinch.logs.LogLockedException} and
 * nothing stored is touched.
 */
final class S3Appender implements OpenLogAppender {
    private final S3LogStorage storage;
    private final JobId job;
    private final WriterLease lease;
    private final int segmentBytes;
    private final boolean buffered;

    /** Guards segments, stored, buffer, bufferBytes, oldestBufferedNanos and written. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Serialises segment uploads: one in flight per log; appends made meanwhile share the next one. */
    private final ReentrantLock flushLock = new ReentrantLock();
    private final List<SegmentRef> segments;
    private LogTotals stored;
    /** Chunks written and not yet stored, in seq order, starting at {@code stored.chunks()}. */
    private final ArrayList<StoredChunk> buffer = new ArrayList<>();
    /** For each buffered chunk, the log's newline count through it as core computed it (unknown: -1). */
    private final ArrayList<Long> bufferNewlines = new ArrayList<>();
    private long bufferBytes;
    private long oldestBufferedNanos;
    private volatile LogTotals written;
    private volatile LogTotals committed;
    private volatile boolean closed;

    S3Appender(S3LogStorage storage, JobId job, WriterLease lease, List<SegmentRef> segments, LogTotals stored) {
        this.storage = storage;
        this.job = job;
        this.lease = lease;
        this.segmentBytes = storage.config().segmentBytes();
        this.buffered = storage.config().durability() == S3Durability.BUFFERED;
        this.segments = new ArrayList<>(segments);
        this.stored = stored;
        this.written = stored;
        this.committed = stored;
    }

    JobId job() {
        return job;
    }

    @Override
    public LogTotals written() {
        return written;
    }

    @Override
    public LogTotals committed() {
        return committed;
    }

    @Override
    public StoredChunk chunk(long seq) throws IOException {
        SegmentRef ref;
        lock.lock();
        try {
            if (seq >= stored.chunks()) {
                return buffer.get((int) (seq - stored.chunks()));
            }
            ref = segments.get(S3Snapshot.segmentIndex(segments, seq));
        } finally {
            lock.unlock();
        }
        return storage.chunks(job, ref, seq, seq + 1).get(0);
    }

    @Override
    public void write(StoredChunk chunk, LogTotals after) throws IOException {
        lease.check();
        boolean full;
        lock.lock();
        try {
            if (buffer.isEmpty()) {
                oldestBufferedNanos = System.nanoTime();
            }
            buffer.add(chunk);
            bufferNewlines.add(after.newlines());
            bufferBytes += chunk.body().payload().length;
            written = after;
            full = bufferBytes >= segmentBytes;
        } finally {
            lock.unlock();
        }
        if (full && buffered) {
            storeUpTo(after.chunks()); // the size bound: a full segment goes now, whatever the interval
        }
    }

    /** {@code stored}: returns once a segment holding every chunk written before the call is stored. */
    @Override
    public void sync() throws IOException {
        LogTotals target = written;
        if (buffered) {
            advanceCommitted(target);
            return;
        }
        if (closed) {
            return;
        }
        storeUpTo(target.chunks());
    }

    @Override
    public void flush() throws IOException {
        storeUpTo(written.chunks());
    }

    private void advanceCommitted(LogTotals t) {
        synchronized (this) {
            if (t.chunks() > committed.chunks()) {
                committed = t;
            }
        }
    }

    /** With {@code buffered}: stores the buffer when its oldest chunk has waited {@code interval}. */
    void flushIfDue(Duration interval) {
        boolean due;
        lock.lock();
        try {
            due = !buffer.isEmpty() && System.nanoTime() - oldestBufferedNanos >= interval.toNanos();
        } finally {
            lock.unlock();
        }
        if (due && !closed && flushLock.tryLock()) {
            try {
                storeUpTo(written.chunks());
            } catch (IOException | RuntimeException e) {
                // The next tick, sync, flush or close tries again; the chunks stay buffered.
                org.slf4j.LoggerFactory.getLogger(S3Appender.class).warn("job {}: storing a segment failed: {}", job, e.toString());
            } finally {
                flushLock.unlock();
            }
        }
    }

    void renewLease() {
        lease.renew();
    }

    /** Stores segments until every chunk below {@code targetChunks} is stored. */
    private void storeUpTo(long targetChunks) throws IOException {
        flushLock.lock();
        try {
            while (true) {
                List<StoredChunk> batch = new ArrayList<>();
                long[] newlines;
                LogTotals before;
                LogTotals after;
                lock.lock();
                try {
                    before = stored;
                    if (before.chunks() >= targetChunks || buffer.isEmpty()) {
                        break;
                    }
                    long bytes = 0;
                    after = before;
                    for (int i = 0; i < buffer.size(); i++) {
                        StoredChunk c = buffer.get(i);
                        if (!batch.isEmpty() && bytes + c.body().payload().length > segmentBytes) {
                            break;
                        }
                        batch.add(c);
                        bytes += c.body().payload().length;
                        long through = bufferNewlines.get(i); // as core computed it for this chunk
                        after = after.newlinesKnown() && through >= after.newlines()
                                ? after.plus(c.entry(), through - after.newlines())
                                : after.plus(c.entry(), 0).withoutNewlines();
                    }
                    newlines = new long[batch.size()];
                    for (int i = 0; i < newlines.length; i++) {
                        newlines[i] = bufferNewlines.get(i);
                    }
                } finally {
                    lock.unlock();
                }
                SegmentRef ref = put(batch, newlines, before, after);
                lock.lock();
                try {
                    buffer.subList(0, batch.size()).clear();
                    bufferNewlines.subList(0, batch.size()).clear();
                    bufferBytes = 0;
                    for (StoredChunk c : buffer) {
                        bufferBytes += c.body().payload().length;
                    }
                    if (!buffer.isEmpty()) {
                        oldestBufferedNanos = System.nanoTime();
                    }
                    segments.add(ref);
                    stored = after;
                } finally {
                    lock.unlock();
                }
                advanceCommitted(after);
            }
        } finally {
            flushLock.unlock();
        }
    }

    private SegmentRef put(List<StoredChunk> batch, long[] newlines, LogTotals before, LogTotals after) throws IOException {
        lease.check();
        S3Objects objects = storage.objects();
        long previous;
        lock.lock();
        try {
            previous = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).firstSeq();
        } finally {
            lock.unlock();
        }
        String key = storage.layout().segment(job, before.chunks(), before.rawBytes(), previous);
        byte[] body = Segment.encode(batch, newlines, before, after);
        Optional<String> etag = objects.putIfAbsent(key, body);
        if (etag.isEmpty()) {
            // Ours from an attempt whose answer was lost, or another writer's: only equal bytes are ours.
            Optional<ResponseBytes<GetObjectResponse>> there = objects.get(key);
            if (there.isPresent() && Arrays.equals(there.get().asByteArrayUnsafe(), body)) {
                etag = Optional.of(there.get().response().eTag());
            } else {
                lease.markLost("segment " + objects.where(key) + " was stored by another writer");
                lease.check();
            }
        }
        SegmentRef ref = new SegmentRef(key, etag.get(), body.length, before.chunks(), before.rawBytes());
        storage.remember(ref, body);
        return ref;
    }

    @Override
    public OpenLogSnapshot snapshot() throws IOException {
        if (closed) {
            throw new StaleSnapshotException(job, "the writer gave up its role");
        }
        LogTotals visible = committed;
        lock.lock();
        try {
            int inBuffer = (int) Math.max(0, visible.chunks() - stored.chunks());
            List<StoredChunk> tail = new ArrayList<>(buffer.subList(0, Math.min(inBuffer, buffer.size())));
            List<SegmentRef> segs = List.copyOf(segments);
            LogTotals totals = visible.chunks() >= stored.chunks() ? visible : stored;
            return new S3Snapshot(storage, job, segs, totals, tail);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stores what is buffered and gives the role back. Runs to the end even on an interrupted thread (the interrupt is
     * kept for the caller): a role left behind would lock the log out until its lease expires.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            if (!lease.isLost()) {
                storeUpTo(written.chunks());
            }
        } finally {
            closed = true;
            storage.forget(this);
            try {
                lease.release();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "S3Appender[" + job + ", stored " + stored.chunks() + " chunks in " + segments.size() + " segments]";
    }
}
