package dev.cinch.logs.follow;

import dev.cinch.logs.JobId;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-process change signals: the store calls {@link #publish} after each append, seal and delete, and waiting
 * followers of that job wake at once. Versions are kept only for jobs somebody waits on or has asked about, so
 * publishing to unwatched jobs costs one map lookup.
 */
public final class LocalChangeFeed implements ChangeFeed {
    private final ConcurrentHashMap<JobId, Signal> signals = new ConcurrentHashMap<>();

    private static final class Signal {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        long version;
        int watchers;
    }

    /** Wakes everyone waiting on {@code job}. */
    @Override
    public void publish(JobId job) {
        Signal s = signals.get(job);
        if (s == null) {
            return;
        }
        s.lock.lock();
        try {
            s.version++;
            s.changed.signalAll();
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public long version(JobId job) {
        Signal s = signals.get(job);
        if (s == null) {
            return 0;
        }
        s.lock.lock();
        try {
            return s.version;
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public boolean awaitChange(JobId job, long seenVersion, Duration timeout) throws InterruptedException {
        Signal s = signals.get(job);
        if (s == null) {
            // Nobody registered: wait the timeout out would hide a bug; callers must watch() first.
            throw new IllegalStateException("awaitChange on job " + job + " without watch()");
        }
        long nanos = timeout.toNanos();
        s.lock.lock();
        try {
            while (s.version == seenVersion) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = s.changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public AutoCloseable watch(JobId job) {
        Signal s = signals.compute(job, (k, v) -> {
            Signal sig = v == null ? new Signal() : v;
            sig.watchers++;
            return sig;
        });
        return () -> signals.computeIfPresent(job, (k, v) -> --v.watchers == 0 ? null : v);
    }

    /** Number of jobs currently watched (for tests and metrics). */
    public int watchedJobs() {
        return signals.size();
    }
}
