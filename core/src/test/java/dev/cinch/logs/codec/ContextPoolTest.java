package dev.cinch.logs.codec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ContextPoolTest {

    /** A stand-in context that counts how many exist and how many are lent at once. */
    private static final class Counted implements AutoCloseable {
        static final class Counts {
            final AtomicInteger alive = new AtomicInteger();
            final AtomicInteger made = new AtomicInteger();
            final AtomicInteger lent = new AtomicInteger();
            final AtomicInteger mostLent = new AtomicInteger();
        }

        final Counts counts;
        final boolean oneOff;
        boolean closed;

        Counted(Counts counts, boolean oneOff) {
            this.counts = counts;
            this.oneOff = oneOff;
            counts.alive.incrementAndGet();
            counts.made.incrementAndGet();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                counts.alive.decrementAndGet();
            }
        }
    }

    @Test
    void neverMoreContextsThanItsSizeHoweverManyCallersWait() throws Exception {
        Counted.Counts counts = new Counted.Counts();
        ContextPool<Counted> pool = new ContextPool<>(3, () -> new Counted(counts, false), () -> new Counted(counts, true));
        ExecutorService threads = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        ContextPool.Lease<Counted> lease = pool.borrow();
                        assertThat(lease.context().oneOff).isFalse();
                        assertThat(lease.context().closed).isFalse();
                        int now = counts.lent.incrementAndGet();
                        counts.mostLent.accumulateAndGet(now, Math::max);
                        Thread.yield();
                        counts.lent.decrementAndGet();
                        pool.release(lease);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(counts.made.get()).as("contexts ever made").isEqualTo(3);
        assertThat(counts.mostLent.get()).as("lent at once").isLessThanOrEqualTo(3);
        assertThat(pool.idleCount()).isEqualTo(3);
        pool.close();
        assertThat(counts.alive.get()).as("all freed by close").isZero();
    }

    @Test
    void aWaitingCallerGetsAOneOffWhenThePoolClosesOrItIsInterrupted() throws Exception {
        Counted.Counts counts = new Counted.Counts();
        ContextPool<Counted> pool = new ContextPool<>(1, () -> new Counted(counts, false), () -> new Counted(counts, true));
        ContextPool.Lease<Counted> held = pool.borrow();

        // Interrupted while waiting: a context for its one call, and the flag kept.
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicInteger interruptedOneOff = new AtomicInteger();
        Thread waiter = new Thread(() -> {
            waiting.countDown();
            ContextPool.Lease<Counted> lease = pool.borrow();
            if (lease.context().oneOff && !lease.pooled() && Thread.currentThread().isInterrupted()) {
                interruptedOneOff.incrementAndGet();
            }
            pool.release(lease);
        });
        waiter.start();
        waiting.await();
        Thread.sleep(100);
        waiter.interrupt();
        waiter.join(10_000);
        assertThat(interruptedOneOff.get()).isEqualTo(1);

        // Closed while waiting: the waiter is let go with a one-off instead of waiting for ever.
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> afterClose = other.submit(() -> {
                ContextPool.Lease<Counted> lease = pool.borrow();
                pool.release(lease);
                return lease.context().oneOff;
            });
            Thread.sleep(100);
            pool.close();
            assertThat(afterClose.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            other.shutdownNow();
        }
        pool.release(held); // returned after close: freed, not kept
        assertThat(pool.idleCount()).isZero();
        assertThat(counts.alive.get()).isZero();
    }

    @Test
    void sizeZeroLendsAOneOffEveryTime() {
        Counted.Counts counts = new Counted.Counts();
        ContextPool<Counted> pool = new ContextPool<>(0, () -> new Counted(counts, false), () -> new Counted(counts, true));
        for (int i = 0; i < 5; i++) {
            ContextPool.Lease<Counted> lease = pool.borrow();
            assertThat(lease.pooled()).isFalse();
            pool.release(lease);
        }
        assertThat(counts.made.get()).isEqualTo(5);
        assertThat(counts.alive.get()).isZero();
    }
}
