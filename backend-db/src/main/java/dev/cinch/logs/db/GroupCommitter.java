package dev.cinch.logs.db;

import dev.cinch.sql.Database;
import dev.cinch.sql.Dialect;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit across logs, leader/follower, no timer: a log that needs a commit joins the queue; the first caller
 * to find no commit running becomes the leader and commits the pending chunks of every queued log in one
 * transaction at once (a lone appender waits for exactly one commit, as with a transaction per append); callers
 * arriving meanwhile wait, and the first of them leads the next commit, which covers all of them. So with many jobs
 * appending at once the cost of a durable commit (an fsync of the WAL, a Postgres WAL flush) is shared, and an
 * idle store never waits. On Postgres up to {@link #concurrentCommits} such commits run at once, for different logs.
 *
 * <p>Each log's row in {@code log_heads} is updated with a fence: only while this instance is its writer and its
 * committed chunk count is the one the appender expects. A log that fails the fence (its lease was taken over) gets
 * an error; the others in the batch commit.
 */
final class GroupCommitter {
    /**
     * Commits that may run at once. SQLite has one write lock, so one. Postgres flushes its WAL for concurrent
     * commits together and a commit's latency is mostly round trips, so a few transactions in flight (each for
     * different logs) keep the server busy while one waits.
     */
    static int concurrentCommits(Dialect dialect) {
        return dialect == Dialect.POSTGRES ? 4 : 1;
    }

    private final DbLogStorage storage;
    private final int maxRunning;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private final LinkedHashSet<DbAppender> queued = new LinkedHashSet<>();
    /** Logs in a running commit: a log is in at most one at a time (its commit is fenced by its chunk count). */
    private final java.util.HashSet<DbAppender> inFlight = new java.util.HashSet<>();
    private int running;

    GroupCommitter(DbLogStorage storage) {
        this.storage = storage;
        this.maxRunning = concurrentCommits(storage.db().dialect());
    }

    /** Returns once the appender's chunks up to {@code target} are committed; throws when its commit failed. */
    void commit(DbAppender appender, long target) throws IOException {
        lock.lock();
        try {
            while (appender.committed().chunks() < target && !appender.isClosed()) {
                queued.add(appender);
                List<DbAppender> batch = running < maxRunning ? takeEligible() : List.of();
                if (batch.isEmpty()) {
                    done.awaitUninterruptibly();
                } else {
                    running++;
                    lock.unlock();
                    try {
                        run(batch);
                    } finally {
                        lock.lock();
                        running--;
                        batch.forEach(inFlight::remove);
                        done.signalAll();
                    }
                }
                IOException failure = appender.lastFailure;
                if (failure != null && appender.committed().chunks() < target) {
                    throw new IOException(failure.getMessage(), failure);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The queued logs not in a running commit, taken off the queue and marked in flight. Under {@link #lock}. */
    private List<DbAppender> takeEligible() {
        List<DbAppender> batch = new ArrayList<>();
        for (java.util.Iterator<DbAppender> it = queued.iterator(); it.hasNext(); ) {
            DbAppender a = it.next();
            if (inFlight.add(a)) {
                batch.add(a);
                it.remove();
            }
        }
        return batch;
    }

    /** One transaction for the pending chunks of every log in {@code appenders}. */
    private void run(List<DbAppender> appenders) {
        List<DbAppender.Batch> work = new ArrayList<>();
        for (DbAppender a : appenders) {
            DbAppender.Batch b = a.takeBatch();
            if (b != null) {
                work.add(b);
            }
        }
        if (work.isEmpty()) {
            return;
        }
        // Rows are locked in job id order by every writer of log_heads (commits, lease renewal), so concurrent
        // transactions never wait for each other in a cycle.
        work.sort(java.util.Comparator.comparing(b -> b.appender().job.value()));
        Database db = storage.db();
        long leaseUntil = System.currentTimeMillis() + storage.config().writerLease().toMillis();
        boolean[] lost = new boolean[work.size()];
        try {
            db.inTransaction(describe(work), c -> {
                try (PreparedStatement up = c.prepareStatement("UPDATE log_heads SET chunks = ?, raw_bytes = ?, crc32c = ?,"
                        + " last_ts = ?, stored_bytes = ?, lease_until = ?, newlines = ? WHERE job_id = ? AND writer = ?"
                        + " AND chunks = ?"
                        + " AND sealed = 0")) {
                    for (DbAppender.Batch b : work) {
                        up.setLong(1, b.upTo().chunks());
                        up.setLong(2, b.upTo().rawBytes());
                        up.setInt(3, b.upTo().crc32c());
                        up.setLong(4, b.upTo().lastTimestampMillis());
                        up.setLong(5, b.storedBytes());
                        up.setLong(6, leaseUntil);
                        if (b.upTo().newlinesKnown()) {
                            up.setLong(7, b.upTo().newlines());
                        } else {
                            up.setNull(7, java.sql.Types.BIGINT);
                        }
                        up.setString(8, b.appender().job.value());
                        up.setString(9, storage.instanceId());
                        up.setLong(10, b.from().chunks());
                        up.addBatch();
                    }
                    int[] counts = up.executeBatch();
                    for (int i = 0; i < counts.length; i++) {
                        lost[i] = counts[i] == 0;
                    }
                }
                try (PreparedStatement ins = c.prepareStatement(ChunkRows.INSERT)) {
                    for (int i = 0; i < work.size(); i++) {
                        if (!lost[i]) {
                            DbAppender.Batch b = work.get(i);
                            for (int k = 0; k < b.chunks().size(); k++) {
                                ChunkRows.insert(ins, b.appender().job, b.chunks().get(k), b.newlinesAfter().get(k));
                            }
                        }
                    }
                    ins.executeBatch();
                }
                if (db.dialect() == Dialect.POSTGRES) {
                    List<String> jobs = new ArrayList<>();
                    for (int i = 0; i < work.size(); i++) {
                        if (!lost[i]) {
                            jobs.add(work.get(i).appender().job.value() + " " + (work.get(i).upTo().chunks() - 1));
                        }
                    }
                    DbChangeFeed.notify(c, jobs);
                }
                return null;
            });
        } catch (RuntimeException e) {
            IOException failure = new IOException(e.getMessage(), e);
            for (DbAppender.Batch b : work) {
                b.appender().lastFailure = failure;
            }
            return;
        }
        for (int i = 0; i < work.size(); i++) {
            DbAppender.Batch b = work.get(i);
            if (lost[i]) {
                b.appender().lastFailure = new IOException("job " + b.appender().job + ": this store instance is no longer"
                        + " the log's writer (its lease was taken over, or the log was sealed or deleted meanwhile);"
                        + " seqs " + b.from().chunks() + ".." + (b.upTo().chunks() - 1) + " were not stored");
            } else {
                b.appender().committed(b);
            }
        }
        storage.afterCommit(work);
    }

    private static String describe(List<DbAppender.Batch> work) {
        DbAppender.Batch first = work.get(0);
        String head = "append to job " + first.appender().job + " (seqs " + first.from().chunks() + ".."
                + (first.upTo().chunks() - 1) + ")";
        return work.size() == 1 ? head : head + " and " + (work.size() - 1) + " other log(s) in one group commit";
    }
}
