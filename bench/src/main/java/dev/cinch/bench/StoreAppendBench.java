package dev.cinch.bench;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Appends of real log chunks to a store found by name, at each durability the store offers. Each JMH thread is one
 * job writing its own log (a worker streaming a build), so {@code jobs32} is 32 builds logging at once and
 * {@code jobs256} 256. Score:
 * appends per second; compare with {@link FileAppendBaselineBench} at the same durability, chunk size and jobs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StoreAppendBench {
    /** A job's log is closed after this many raw bytes and the thread moves to a new job, bounding file sizes. */
    static final long ROTATE_BYTES = 16L << 20;

    /**
     * A provider name, optionally with one setting to compare ({@code fs:fs.archive-frame-size=256KiB}); see
     * {@link StoreSpec#parse}. JMH splits {@code -p} values at commas, so one setting per value.
     */
    @Param({"fs"})
    public String store;

    @Param({"fsync", "group", "none"})
    public String durability;

    @Param({"512", "4096", "65536"})
    public int chunkBytes;

    Path dataDir;
    LogStore logStore;
    CorpusBytes corpus;
    final AtomicInteger jobNumbers = new AtomicInteger();
    /** Logs the threads have finished with; deleted between iterations (here, not per thread: no thread appends then). */
    final Queue<JobId> finished = new ConcurrentLinkedQueue<>();

    @Setup(Level.Trial)
    public void openStore() {
        corpus = CorpusBytes.load();
        dataDir = BenchDirs.newScratch("append-" + store);
        logStore = StoreSpec.parse(store, durability).open(dataDir);
    }

    /** Deletes finished logs outside the measured time, so that the disk does not fill up. */
    @TearDown(Level.Iteration)
    public void dropFinished() {
        // JMH may leave this thread interrupted at the iteration's end; a store on the network (s3) would refuse
        // to start a request on it. The flag is put back afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            for (JobId job = finished.poll(); job != null; job = finished.poll()) {
                logStore.delete(job);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @TearDown(Level.Trial)
    public void closeStore() {
        logStore.close();
        BenchDirs.deleteTree(dataDir);
    }

    /** One job per thread: its id, next seq and its slice of the corpus. */
    @State(Scope.Thread)
    public static class Job {
        ChunkFeed feed;
        JobId id;
        long seq;
        long bytes;
        StoreAppendBench bench;

        @Setup(Level.Trial)
        public void start(StoreAppendBench bench) {
            this.bench = bench;
            int n = bench.jobNumbers.getAndIncrement();
            feed = bench.corpus.feedForJob(bench.chunkBytes, n);
            nextJob();
        }

        void nextJob() {
            if (id != null) {
                bench.finished.add(id);
            }
            id = JobId.of("append-" + bench.jobNumbers.getAndIncrement());
            seq = 0;
            bytes = 0;
        }

        /** Appends the next chunk, first moving to a new job when this one is full. */
        void appendNext(LogStore store) {
            if (bytes >= ROTATE_BYTES) {
                nextJob();
            }
            byte[] data = feed.next();
            bytes += data.length;
            store.append(id, new LogChunk(seq++, LogStream.STDOUT, System.currentTimeMillis(), data));
        }
    }

    @Benchmark
    @Threads(1)
    public void job1(Job job) {
        job.appendNext(logStore);
    }

    @Benchmark
    @Threads(32)
    public void jobs32(Job job) {
        job.appendNext(logStore);
    }

    /** Jobs in {@link #jobs256}, and the appends each makes per measured operation. */
    static final int MANY_JOBS = 256;
    static final int APPENDS_PER_ROUND = 4;

    /**
     * The 256 jobs of {@link #jobs256}, each on a thread of its own that the one JMH thread sets going. Not 256 JMH
     * threads: JMH adds up each thread's own rate, and with 256 threads on 2 cores some thread is always timed over
     * almost nothing, so the {@code none} row read 1.5 million appends/s, ± several times that.
     */
    @State(Scope.Thread)
    public static class ManyJobs {
        final List<Job> jobs = new ArrayList<>();
        ExecutorService threads;

        @Setup(Level.Trial)
        public void start(StoreAppendBench bench) {
            for (int i = 0; i < MANY_JOBS; i++) {
                Job job = new Job();
                job.start(bench);
                jobs.add(job);
            }
            threads = Executors.newFixedThreadPool(MANY_JOBS);
        }

        @TearDown(Level.Trial)
        public void stop() {
            threads.shutdownNow();
        }

        /** Every job appends {@link #APPENDS_PER_ROUND} chunks, all jobs at once; returns when all are acknowledged. */
        void round(LogStore store) throws InterruptedException, ExecutionException {
            List<Callable<Void>> work = new ArrayList<>(jobs.size());
            for (Job job : jobs) {
                work.add(() -> {
                    for (int i = 0; i < APPENDS_PER_ROUND; i++) {
                        job.appendNext(store);
                    }
                    return null;
                });
            }
            for (Future<Void> done : threads.invokeAll(work)) {
                done.get(); // an append's failure fails the benchmark
            }
        }
    }

    /** A hosted server with hundreds of builds logging at once; the score is appends per second, as above. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(MANY_JOBS * APPENDS_PER_ROUND)
    public void jobs256(ManyJobs jobs) throws InterruptedException, ExecutionException {
        jobs.round(logStore);
    }
}
