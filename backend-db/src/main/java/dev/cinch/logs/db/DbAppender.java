package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.OpenLogAppender;
import dev.cinch.logs.storage.OpenLogSnapshot;
import dev.cinch.logs.storage.StaleSnapshotException;
import dev.cinch.logs.storage.StoredChunk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer role of one open log in the database: the log's {@code log_heads} row names this store instance as its
 * writer, with a lease the instance renews while it lives ({@link DbLogStorage}). A write keeps the chunk in memory;
 * {@link #sync} hands the log to the store's {@link GroupCommitter}, which commits the pending chunks of every log
 * waiting at that moment in one transaction, fenced by the writer and the expected chunk count in {@code log_heads}.
 */
final class DbAppender implements OpenLogAppender {
    final JobId job;
    private final DbLogStorage storage;
    /** Guards {@link #pending}, {@link #written} and the commit step's hand-over. */
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayList<StoredChunk> pending = new ArrayList<>();
    /** For each pending chunk, the log's newlines up to and including it (unknown: -1); stored in its row. */
    private final ArrayList<Long> pendingNewlines = new ArrayList<>();
    private volatile LogTotals written;
    private volatile LogTotals committed;
    private volatile long committedStoredBytes;
    private long writtenStoredBytes;
    /** The last group commit's failure for this log, or null; set by the committer. */
    volatile IOException lastFailure;
    private volatile boolean closed;

    DbAppender(JobId job, DbLogStorage storage, LogTotals totals, long storedBytes) {
        this.job = job;
        this.storage = storage;
        this.written = totals;
        this.committed = totals;
        this.committedStoredBytes = storedBytes;
        this.writtenStoredBytes = storedBytes;
    }

    /** What one group commit takes from this log: the pending chunks and the totals they lead to. */
    record Batch(DbAppender appender, LogTotals from, LogTotals upTo, long storedBytes, List<StoredChunk> chunks,
                 List<Long> newlinesAfter) {
    }

    /** The chunks written and not yet committed, or null when there are none (or the appender is closed). */
    Batch takeBatch() {
        lock.lock();
        try {
            if (pending.isEmpty()) {
                return null;
            }
            return new Batch(this, committed, written, writtenStoredBytes, List.copyOf(pending),
                    List.copyOf(pendingNewlines));
        } finally {
            lock.unlock();
        }
    }

    /** After the batch's transaction committed: its chunks are readers' now. */
    void committed(Batch b) {
        lock.lock();
        try {
            int n = (int) (b.upTo().chunks() - committed.chunks());
            if (n > 0) {
                pending.subList(0, Math.min(n, pending.size())).clear();
                pendingNewlines.subList(0, Math.min(n, pendingNewlines.size())).clear();
                committed = b.upTo();
                committedStoredBytes = b.storedBytes();
            }
            lastFailure = null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public LogTotals written() {
        return written;
    }

    @Override
    public LogTotals committed() {
        return committed;
    }

    long committedStoredBytes() {
        return committedStoredBytes;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public StoredChunk chunk(long seq) throws IOException {
        lock.lock();
        try {
            long firstPending = committed.chunks();
            if (seq >= firstPending) {
                return pending.get((int) (seq - firstPending));
            }
        } finally {
            lock.unlock();
        }
        List<StoredChunk> rows = storage.db().read("read chunk " + seq + " of job " + job,
                c -> ChunkRows.read(c, job, seq, seq + 1));
        if (rows.isEmpty()) {
            throw new IOException("job " + job + ": committed chunk seq " + seq + " is missing from log_chunks");
        }
        return rows.get(0);
    }

    @Override
    public void write(StoredChunk chunk, LogTotals after) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the writer of job " + job + " is closed");
            }
            pending.add(chunk);
            pendingNewlines.add(after.newlines());
            written = after;
            writtenStoredBytes += chunk.body().payload().length;
        } finally {
            lock.unlock();
        }
    }

    /** Returns once every chunk written before the call is committed (group commit; see {@link GroupCommitter}). */
    @Override
    public void sync() throws IOException {
        long target = written.chunks();
        if (committed.chunks() >= target || closed) {
            return;
        }
        storage.committer().commit(this, target);
    }

    /** Every commit is durable already: the same as {@link #sync}. */
    @Override
    public void flush() throws IOException {
        if (closed) {
            throw new IOException("the writer of job " + job + " is closed");
        }
        sync();
    }

    @Override
    public OpenLogSnapshot snapshot() throws IOException {
        if (closed) {
            throw new StaleSnapshotException(job, "its writer was closed");
        }
        return new DbSnapshot(job, storage.db(), committed, committedStoredBytes);
    }

    /** Commits what is pending, then gives the writer role up. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            sync();
        } finally {
            lock.lock();
            try {
                closed = true;
            } finally {
                lock.unlock();
            }
            storage.release(this);
        }
    }

    @Override
    public String toString() {
        return "DbAppender[" + job + "]";
    }
}
