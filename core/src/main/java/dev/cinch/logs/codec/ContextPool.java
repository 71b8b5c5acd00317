package dev.cinch.logs.codec;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most {@code size} native zstd contexts, lent one caller at a time: a caller finding none idle makes one while
 * fewer than {@code size} exist, and otherwise waits for one to come back instead of making more.
 *
 * <p>Why wait: zstd-jni's calls on Java arrays hold a JNI critical section, and on JDK 17's G1 no garbage collection
 * starts while any thread is in one. When every caller beyond the pool made a context of its own, hundreds of
 * appending threads on a few cores were inside such sections at once and allocations failed with
 * {@code OutOfMemoryError} ("Retried waiting for GCLocker too often") while the heap was mostly garbage. A zstd call
 * is pure CPU, so the wait is for a thread to be scheduled again, and no more of them can run at once than there are
 * cores. Native memory stays bounded too.
 *
 * <p>After {@link #close()}, or when the waiting thread is interrupted (its flag is kept), a caller gets a context
 * made for its one call ({@code oneOff}), closed when it is returned. Size 0 means no pool: a context per call.
 */
final class ContextPool<T extends AutoCloseable> implements AutoCloseable {
    /** A context lent to one caller; give it back with {@link #release}. */
    record Lease<T>(T context, boolean pooled) {
    }

    private final int size;
    private final Supplier<T> pooledFactory;
    private final Supplier<T> oneOffFactory;
    private final BlockingQueue<T> idle;
    private final AtomicInteger made = new AtomicInteger();
    private volatile boolean closed;

    /** The size the codec's and the frame cache's pools use: two contexts per processor (at least two). */
    static int sizeForThisMachine() {
        return Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
    }

    ContextPool(int size, Supplier<T> pooledFactory, Supplier<T> oneOffFactory) {
        if (size < 0) {
            throw new IllegalArgumentException("pool size must be >= 0, got " + size);
        }
        this.size = size;
        this.pooledFactory = pooledFactory;
        this.oneOffFactory = oneOffFactory;
        this.idle = new ArrayBlockingQueue<>(Math.max(1, size));
    }

    Lease<T> borrow() {
        T c = idle.poll();
        if (c != null) {
            return new Lease<>(c, true);
        }
        if (!closed && made.getAndUpdate(n -> n < size ? n + 1 : n) < size) {
            try {
                return new Lease<>(pooledFactory.get(), true);
            } catch (RuntimeException | Error e) {
                made.decrementAndGet(); // not made after all: a later caller may try again instead of waiting for it
                throw e;
            }
        }
        try {
            while (!closed && size > 0) {
                c = idle.poll(50, TimeUnit.MILLISECONDS);
                if (c != null) {
                    return new Lease<>(c, true);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's to act on; its call still gets a context
        }
        return new Lease<>(oneOffFactory.get(), false);
    }

    void release(Lease<T> lease) {
        if (closed || !lease.pooled() || !idle.offer(lease.context())) {
            closeQuietly(lease.context());
        } else if (closed) {
            drain(); // close() ran between the check and the offer
        }
    }

    /** Contexts idle in the pool now (for tests). */
    int idleCount() {
        return idle.size();
    }

    private void drain() {
        T c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // zstd contexts' close frees native memory and does not fail; nothing to report to the caller
        }
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }
}
