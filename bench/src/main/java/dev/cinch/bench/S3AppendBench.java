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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Appends to the s3 store against S3Proxy on this machine, in the shape of {@link StoreAppendBench}'s {@code job1}:
 * one job appending fixed-size chunks cut from the corpus, a new job every 16 MiB; {@code durability} is
 * {@code s3.durability} (stored: every append waits for its segment's PUT; buffered: segments of
 * {@code s3.segment-size}, default 4 MiB, or every second). At the end of each trial it prints the requests sent per
 * appended MiB (segments, leases, their renewals; the close that flushes the last buffer included).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class S3AppendBench {
    static final long ROTATE_BYTES = 16L << 20;

    @Param({"stored", "buffered"})
    public String durability;

    @Param({"4096", "65536"})
    public int chunkBytes;

    S3BenchServer server;
    S3BenchServer.Counter counter;
    LogStore store;
    ChunkFeed feed;
    JobId job;
    long seq;
    long jobBytes;
    long appendedBytes;
    int jobs;

    @Setup(Level.Trial)
    public void open() {
        server = new S3BenchServer();
        counter = new S3BenchServer.Counter();
        store = server.open(Map.of("s3.durability", durability), counter);
        feed = CorpusBytes.load().feedForJob(chunkBytes, 0);
        nextJob();
    }

    void nextJob() {
        job = JobId.of("s3-append-" + jobs++);
        seq = 0;
        jobBytes = 0;
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        double mib = appendedBytes / (double) (1 << 20);
        System.out.printf("%nS3AppendBench durability=%s chunkBytes=%d: %d requests for %.1f MiB appended = %.1f requests/MiB%n",
                durability, chunkBytes, counter.requests.get(), mib, counter.requests.get() / Math.max(mib, 1e-9));
        server.close();
    }

    @Benchmark
    @Threads(1)
    public void job1() {
        if (jobBytes >= ROTATE_BYTES) {
            nextJob();
        }
        byte[] data = feed.next();
        jobBytes += data.length;
        appendedBytes += data.length;
        store.append(job, new LogChunk(seq++, LogStream.STDOUT, System.currentTimeMillis(), data));
    }
}
