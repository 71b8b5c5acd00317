package dev.cinch.logs.follow;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;

import java.time.Duration;
import java.util.List;

/**
 * A {@link LogFollower} for any store: it reads chunks from storage and sleeps on a {@link ChangeFeed} between
 * appends. Because every delivery is a read from storage, a follower that falls behind loses nothing; it simply
 * reads a longer page next time.
 */
public final class StoreFollower implements LogFollower {
    private static final int PAGE = 1024;

    private final LogStore store;
    private final JobId job;
    private final ChangeFeed feed;
    private final AutoCloseable watch;
    private long nextSeq;
    private boolean seenLog;
    private boolean finished;
    private boolean closed;

    public StoreFollower(LogStore store, JobId job, long fromSeq, ChangeFeed feed) {
        if (fromSeq < 0) {
            throw new dev.cinch.logs.InvalidRangeException(job, "follow from seq " + fromSeq + ": seq must be >= 0");
        }
        this.store = store;
        this.job = job;
        this.feed = feed;
        this.nextSeq = fromSeq;
        this.watch = feed.watch(job);
    }

    @Override
    public List<LogChunk> poll(Duration timeout) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("follower of job " + job + " is closed");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!finished) {
            long version = feed.version(job);
            List<LogChunk> chunks = readAvailable();
            if (!chunks.isEmpty() || finished) {
                return chunks;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return List.of();
            }
            Duration wait = Duration.ofNanos(Math.min(left, ChangeFeed.SAFETY_RECHECK.toNanos()));
            feed.awaitChange(job, version, wait);
        }
        return List.of();
    }

    private List<LogChunk> readAvailable() {
        LogStat stat;
        try {
            stat = store.stat(job);
        } catch (LogNotFoundException e) {
            if (seenLog) {
                throw e; // deleted while followed
            }
            return List.of(); // not created yet: wait for it
        }
        seenLog = true;
        if (nextSeq > stat.chunks()) {
            if (stat.sealed()) {
                throw new dev.cinch.logs.InvalidRangeException(job, "follow from seq " + nextSeq
                        + " but the sealed log has only " + stat.chunks() + " chunks");
            }
            return List.of();
        }
        if (nextSeq == stat.chunks()) {
            finished = stat.sealed();
            return List.of();
        }
        List<LogChunk> chunks = store.readChunks(job, nextSeq, PAGE);
        nextSeq += chunks.size();
        // Sealed logs never grow, so the stat we read decides whether this page was the last.
        finished = stat.sealed() && nextSeq >= stat.chunks();
        return chunks;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public long nextSeq() {
        return nextSeq;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                watch.close();
            } catch (Exception e) {
                throw new IllegalStateException("releasing watch of job " + job, e);
            }
        }
    }
}
