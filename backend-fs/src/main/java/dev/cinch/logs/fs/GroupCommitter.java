package dev.cinch.logs.fs;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: appenders register the writer they wrote to and wait; one background thread commits every writer
 * registered in the last interval once (an fsync of its open.log, then its index entries), then releases all their
 * appenders. N appends to K logs in one interval cost K fsyncs instead of N.
 */
final class GroupCommitter implements AutoCloseable {
    private final long intervalNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private Map<FsAppender, CompletableFuture<Void>> pending = new LinkedHashMap<>();
    private boolean closed;
    private final Thread thread;

    GroupCommitter(Duration interval) {
        this.intervalNanos = interval.toNanos();
        this.thread = new Thread(this::run, "cinch-fs-group-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Blocks until {@code writer}'s files have been fsynced after this call. */
    void awaitSync(FsAppender writer) throws IOException {
        CompletableFuture<Void> done;
        lock.lock();
        try {
            if (closed) {
                writer.commitLocking(true); // store closing: sync inline rather than lose the promise
                return;
            }
            done = pending.computeIfAbsent(writer, w -> new CompletableFuture<>());
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for group commit", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("group commit failed", cause);
        }
    }

    private void run() {
        while (true) {
            Map<FsAppender, CompletableFuture<Void>> batch;
            lock.lock();
            try {
                while (pending.isEmpty() && !closed) {
                    work.awaitUninterruptibly();
                }
                if (pending.isEmpty() && closed) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            // Let the interval's appends gather, then take them all.
            long deadline = System.nanoTime() + intervalNanos;
            for (long left = intervalNanos; left > 0 && !isClosed(); left = deadline - System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    break;
                }
            }
            lock.lock();
            try {
                batch = pending;
                pending = new LinkedHashMap<>();
            } finally {
                lock.unlock();
            }
            List<Map.Entry<FsAppender, CompletableFuture<Void>>> entries = new ArrayList<>(batch.entrySet());
            for (Map.Entry<FsAppender, CompletableFuture<Void>> e : entries) {
                try {
                    e.getKey().commitLocking(true);
                    e.getValue().complete(null);
                } catch (IOException | RuntimeException ex) {
                    e.getValue().completeExceptionally(ex);
                }
            }
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
