package dev.cinch.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The plain-file baseline's group commit: the same cadence the fs store promises for {@code group}, written as simply
 * as it can be. A writer forces its file at once unless a force of that file is running; then it waits, and the first
 * of the waiters forces once for all of them. Different files force in parallel: no timer, no committer thread.
 */
final class PlainGroupSync implements AutoCloseable {
    /** Per file: whether a force runs, and how many appends are written / known durable. Guarded by lock. */
    private static final class FileState {
        final ReentrantLock lock = new ReentrantLock();
        final Condition forced = lock.newCondition();
        boolean forcing;
        long written;
        long durable;
    }

    private final Map<FileChannel, FileState> files = new IdentityHashMap<>();

    private synchronized FileState state(FileChannel channel) {
        return files.computeIfAbsent(channel, c -> new FileState());
    }

    /** Returns once everything written to {@code channel} before this call is forced. */
    void awaitSync(FileChannel channel) throws IOException {
        FileState f = state(channel);
        f.lock.lock();
        try {
            long mine = ++f.written;
            while (f.durable < mine) {
                if (f.forcing) {
                    f.forced.awaitUninterruptibly();
                    continue;
                }
                f.forcing = true;
                long upTo = f.written;
                f.lock.unlock(); // appends to this file go on meanwhile and share the next force
                try {
                    channel.force(false);
                } finally {
                    f.lock.lock();
                    f.forcing = false;
                    f.forced.signalAll();
                }
                f.durable = Math.max(f.durable, upTo);
            }
        } finally {
            f.lock.unlock();
        }
    }

    @Override
    public synchronized void close() {
        files.clear();
    }
}
