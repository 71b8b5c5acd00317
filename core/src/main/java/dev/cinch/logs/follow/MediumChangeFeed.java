package dev.cinch.logs.follow;

import dev.cinch.logs.JobId;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A change feed for a medium that other processes and server instances write too (files, a database, an object
 * store). Changes made through this process signal at once, in process; the subclass's listener (a file watch,
 * LISTEN/NOTIFY, a poll) reports the changes it sees in the medium with {@link #changed}. This class keeps which jobs
 * are followed here and by how many followers, so a backend only says how its medium shows a change.
 */
public abstract class MediumChangeFeed implements ChangeFeed {
    private final LocalChangeFeed local = new LocalChangeFeed();
    /** Followers per followed job. Guarded by itself. */
    private final Map<JobId, Integer> followers = new HashMap<>();

    @Override
    public final void publish(JobId job) {
        local.publish(job);
    }

    @Override
    public final long version(JobId job) {
        return local.version(job);
    }

    @Override
    public final boolean awaitChange(JobId job, long seenVersion, Duration timeout) throws InterruptedException {
        return local.awaitChange(job, seenVersion, timeout);
    }

    @Override
    public final AutoCloseable watch(JobId job) {
        AutoCloseable localWatch = local.watch(job);
        boolean first;
        synchronized (followers) {
            first = followers.merge(job, 1, Integer::sum) == 1;
        }
        startWatching(job, first);
        return () -> {
            localWatch.close();
            boolean last;
            synchronized (followers) {
                last = followers.computeIfPresent(job, (k, n) -> n == 1 ? null : n - 1) == null;
            }
            if (last) {
                stopWatching(job);
            }
        };
    }

    /**
     * A follower of {@code job} started; {@code first} when no other follower in this process follows it. Starts
     * the medium's listener if it is not running.
     */
    protected abstract void startWatching(JobId job, boolean first);

    /** The last follower of {@code job} in this process left. */
    protected void stopWatching(JobId job) {
    }

    /** The jobs followed in this process now. */
    protected final List<JobId> followed() {
        synchronized (followers) {
            return List.copyOf(followers.keySet());
        }
    }

    /** The medium shows that {@code job} changed: its followers here re-read the store. */
    protected final void changed(JobId job) {
        local.publish(job);
    }

    /** The medium changed in a way that does not say which job (a database's data version): every follower re-reads. */
    protected final void changedAll() {
        for (JobId job : followed()) {
            local.publish(job);
        }
    }
}
