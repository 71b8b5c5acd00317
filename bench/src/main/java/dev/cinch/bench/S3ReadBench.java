package dev.cinch.bench;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStat;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads of the s3 store against S3Proxy on this machine, in the shape of {@link StoreReadBench}: 64 KiB at a random
 * offset, the last 100 lines, 100 chunks from a random seq, on a log built from the corpus in 4 KiB chunks, open (this
 * store instance is its writer, as the server is while a job runs) or sealed. The frame cache is off
 * ({@code s3.frame-cache-size=0}) so that every read pays its requests. At the end of each trial it prints requests
 * and response bytes per read, from a counter on the store's own S3 client.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class S3ReadBench {
    @Param({"1MiB", "64MiB"})
    public String logSize;

    @Param({"open", "sealed"})
    public String form;

    S3BenchServer server;
    S3BenchServer.Counter counter;
    LogStore store;
    JobId job = JobId.of("s3-read");
    long rawBytes;
    long chunks;
    final AtomicLong reads = new AtomicLong();
    final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void build() {
        server = new S3BenchServer();
        counter = new S3BenchServer.Counter();
        long size = LogSize.parse(logSize);
        // Built with big buffered segments: the build is setup, not what is measured.
        try (LogStore builder = server.open(Map.of("s3.durability", "buffered", "s3.segment-size", "4MiB"),
                new S3BenchServer.Counter())) {
            ChunkFeed feed = CorpusBytes.load().feed(4096, 0);
            long seq = 0;
            for (long n = 0; n < size; n += 4096) {
                builder.append(job, new LogChunk(seq++, LogStream.STDOUT, 1_000 + seq, feed.next()));
            }
            if (form.equals("sealed")) {
                builder.seal(job);
            }
        }
        store = server.open(Map.of("s3.frame-cache-size", "0"), counter);
        LogStat stat = store.stat(job);
        rawBytes = stat.rawBytes();
        chunks = stat.chunks();
        if (form.equals("open")) {
            List<LogChunk> last = store.readChunks(job, chunks - 1, 1);
            store.append(job, last.get(0)); // an identical retry: takes the writer role, as the server holds it
        }
        store.readRange(job, 0, 1); // the footer and index, or the segment list, as a reader that already looked
        counter.reset();
        reads.set(0);
    }

    @TearDown(Level.Trial)
    public void close(BenchmarkParams params) {
        long n = Math.max(1, reads.get());
        String bench = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        System.out.printf("%nS3ReadBench.%s logSize=%s form=%s: %.2f requests/read, %.0f response bytes/read over %d reads%n",
                bench, logSize, form, counter.requests.get() / (double) n, counter.bytes.get() / (double) n, reads.get());
        store.close();
        server.close();
    }

    @Benchmark
    public byte[] range64k() {
        reads.incrementAndGet();
        return store.readRange(job, random.nextLong(rawBytes - StoreReadBench.RANGE_BYTES), StoreReadBench.RANGE_BYTES);
    }

    @Benchmark
    public byte[] tail100() {
        reads.incrementAndGet();
        return store.readTailLines(job, StoreReadBench.TAIL_LINES);
    }

    @Benchmark
    public List<LogChunk> pageFromSeq() {
        reads.incrementAndGet();
        return store.readChunks(job, random.nextLong(chunks - StoreReadBench.PAGE_CHUNKS), StoreReadBench.PAGE_CHUNKS);
    }
}
