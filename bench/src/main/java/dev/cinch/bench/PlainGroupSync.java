package dev.cinch.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The plain-file baseline's group commit: the same cadence the fs store promises for {@code group} (a writer waits
 * for a shared fsync that runs once per interval for every file written in it), written as simply as it can be.
 */
final class PlainGroupSync implements AutoCloseable {
    private final long intervalNanos;
    private final Thread thread;
    private Map<FileChannel, CompletableFuture<Void>> pending = new IdentityHashMap<>();
    private boolean closed;

    PlainGroupSync(Duration interval) {
        this.intervalNanos = interval.toNanos();
        this.thread = new Thread(this::run, "plain-group-sync");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Returns once {@code channel} has been fsynced after this call. */
    void awaitSync(FileChannel channel) throws IOException {
        CompletableFuture<Void> done;
        synchronized (this) {
            done = pending.computeIfAbsent(channel, c -> new CompletableFuture<>());
            notifyAll();
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("group fsync failed", e.getCause());
        }
    }

    private void run() {
        while (true) {
            Map<FileChannel, CompletableFuture<Void>> batch;
            try {
                synchronized (this) {
                    while (pending.isEmpty() && !closed) {
                        wait();
                    }
                    if (closed) {
                        pending.values().forEach(f -> f.completeExceptionally(new IOException("closed")));
                        return;
                    }
                }
                TimeUnit.NANOSECONDS.sleep(intervalNanos);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                batch = pending;
                pending = new IdentityHashMap<>();
            }
            batch.forEach((channel, done) -> {
                try {
                    channel.force(false);
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        thread.interrupt();
    }
}
