package dev.cinch.bench;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.policy.JobSecrets;
import dev.cinch.logs.policy.MaskingLogStore;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What secret masking costs an append: one job appending 4 KiB chunks of real logs to the fs store, as it is
 * ({@code secrets=0}, the baseline) and behind the masking store with {@code secrets} registered values of 32 bytes
 * (each also masked base64- and URL-encoded, so about seven patterns per value). The corpus holds none of them, so
 * this is the cost of looking, which every append pays. Score: appends per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskingAppendBench {
    static final long ROTATE_BYTES = 16L << 20;

    @Param({"0", "100"})
    public int secrets;

    @Param({"group", "none"})
    public String durability;

    Path dataDir;
    LogStore store;
    ChunkFeed feed;
    JobId job;
    long seq;
    long jobBytes;
    int jobs;

    @Setup(Level.Trial)
    public void open() {
        dataDir = BenchDirs.newScratch("masking-" + secrets + "-" + durability);
        LogStore fs = new StoreSpec("fs", durability).open(dataDir);
        List<byte[]> values = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        for (int i = 0; i < secrets; i++) {
            byte[] v = new byte[32];
            for (int k = 0; k < v.length; k++) {
                v[k] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            }
            values.add(v);
        }
        JobSecrets registered = job -> values;
        store = secrets == 0 ? fs : new MaskingLogStore(fs, registered);
        feed = CorpusBytes.load().feedForJob(BuiltLogs.CHUNK_BYTES, 0);
        nextJob();
    }

    private void nextJob() {
        job = JobId.of("masking-" + jobs++);
        seq = 0;
        jobBytes = 0;
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        BenchDirs.deleteTree(dataDir);
    }

    @Benchmark
    public void append() {
        if (jobBytes >= ROTATE_BYTES) {
            store.delete(job);
            nextJob();
        }
        byte[] data = feed.next();
        jobBytes += data.length;
        store.append(job, new LogChunk(seq++, LogStream.STDOUT, System.currentTimeMillis(), data));
    }
}
