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

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Whether {@code readLines} costs what its answer holds: 100 lines (12.5 KiB) read at the start, the middle and the
 * end of one 72 MiB log of 128-byte lines in 4 KiB chunks, open or sealed. All six should cost about the same:
 * sealed, one frame found from the archive's line numbers; open, a few chunks found from the newline counts recorded
 * with each chunk (ADR 0009; before those counts the open walk started at the first chunk and grew with the position).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LinesCostBench {
    static final int LINES = 100;

    @Param({"fs"})
    public String store;

    @Param({"open", "sealed"})
    public String form;

    @Param({"start", "middle", "end"})
    public String at;

    Path dataDir;
    LogStore logStore;
    JobId job;
    long fromLine;

    @Setup(Level.Trial)
    public void build() {
        dataDir = BenchDirs.newScratch("lines-" + store);
        logStore = StoreSpec.parse(store, "none").open(dataDir);
        job = JobId.of("lines");
        SplittableRandom rnd = new SplittableRandom(1);
        long totalLines = TailCostBench.LOG_BYTES / TailCostBench.LINE_BYTES;
        int perChunk = 4096 / TailCostBench.LINE_BYTES;
        long seq = 0;
        for (long n = 0; n < totalLines; n += perChunk) {
            byte[] chunk = new byte[perChunk * TailCostBench.LINE_BYTES];
            for (int i = 0; i < perChunk; i++) {
                System.arraycopy(TailCostBench.line(n + i, rnd), 0, chunk, i * TailCostBench.LINE_BYTES,
                        TailCostBench.LINE_BYTES);
            }
            logStore.append(job, new LogChunk(seq++, LogStream.STDOUT, seq, chunk));
        }
        if (form.equals("sealed")) {
            logStore.seal(job);
        } else {
            // Read as the server reads a log it is receiving: this store instance is the log's writer.
            List<LogChunk> last = logStore.readChunks(job, seq - 1, 1);
            logStore.append(job, last.get(0));
        }
        fromLine = switch (at) {
            case "start" -> 1;
            case "middle" -> totalLines / 2;
            default -> totalLines - LINES + 1;
        };
        byte[] first = lines();
        if (first.length != LINES * TailCostBench.LINE_BYTES
                || !new String(first, 0, 9, java.nio.charset.StandardCharsets.US_ASCII).equals(String.format("%09d", fromLine - 1))) {
            throw new IllegalStateException("lines from " + fromLine + ": got " + first.length + " bytes starting "
                    + new String(Arrays.copyOf(first, Math.min(9, first.length)), java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        logStore.close();
        BenchDirs.deleteTree(dataDir);
    }

    @Benchmark
    public byte[] lines() {
        return logStore.readLines(job, fromLine, LINES);
    }
}
