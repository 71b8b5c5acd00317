package dev.cinch.bench;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
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

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Reads of big logs (built from the corpus, see {@link BuiltLogs}) through a store found by name: 64 KiB at a
 * random offset, the last 100 lines, and a page of {@value #PAGE_CHUNKS} chunks from a random seq; each on an open
 * log and on a sealed (archived) one. The cost should not grow with the log: compare {@code 1GiB} with
 * {@code 1MiB}, and with {@link DecompressSliceBaselineBench} for the same size.
 *
 * <p>The open log is read the way the server reads a log it is receiving: the store instance is the log's writer
 * (it re-sends the last chunk, an idempotent no-op that attaches it as writer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StoreReadBench {
    static final int RANGE_BYTES = 64 << 10;
    static final int TAIL_LINES = 100;
    static final int PAGE_CHUNKS = 100;

    /**
     * A provider name, optionally with one setting to compare ({@code fs:fs.archive-frame-size=256KiB}); see
     * {@link StoreSpec#parse}. JMH splits {@code -p} values at commas, so one setting per value.
     */
    @Param({"fs"})
    public String store;

    @Param({"1MiB", "64MiB", "1GiB"})
    public String logSize;

    @Param({"open", "sealed"})
    public String form;

    LogStore logStore;
    JobId job;
    long rawBytes;
    long chunks;
    final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void build() {
        CorpusBytes corpus = CorpusBytes.load();
        boolean sealed = form.equals("sealed");
        // Built with durability none: the build is setup, not what is measured, and reads do not depend on it.
        logStore = StoreSpec.parse(store, "none").open(BuiltLogs.storeDataDir(store, corpus));
        job = BuiltLogs.ensure(logStore, corpus, logSize, sealed);
        LogStat stat = logStore.stat(job);
        rawBytes = stat.rawBytes();
        chunks = stat.chunks();
        if (!sealed) {
            List<LogChunk> last = logStore.readChunks(job, chunks - 1, 1);
            logStore.append(job, last.get(0));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        logStore.close();
    }

    @Benchmark
    public byte[] range64k() {
        long offset = random.nextLong(rawBytes - RANGE_BYTES);
        return logStore.readRange(job, offset, RANGE_BYTES);
    }

    @Benchmark
    public byte[] tail100() {
        return logStore.readTailLines(job, TAIL_LINES);
    }

    @Benchmark
    public List<LogChunk> pageFromSeq() {
        long from = random.nextLong(chunks - PAGE_CHUNKS);
        return logStore.readChunks(job, from, PAGE_CHUNKS);
    }
}
