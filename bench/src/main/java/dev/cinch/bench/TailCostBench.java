package dev.cinch.bench;

import dev.cinch.logs.InvalidRangeException;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Whether a tail costs what its answer holds, whatever the chunking: the same 72 MiB log of 128-byte lines, stored in
 * 4 KiB chunks or in 8 MiB chunks (the largest a worker may send), open or sealed. {@code answer} is the tail's size:
 * 8 MiB, 64 MiB (the most one read may return), or {@code over}: every line, 72 MiB, which the store must refuse
 * after reading no more than the limit. Compare each 8 MiB-chunk result with the 4 KiB-chunk one of the same answer,
 * and a refusal with the 64 MiB tail over 4 KiB chunks (targets: within 2x).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TailCostBench {
    static final int LINE_BYTES = 128;
    static final long LOG_BYTES = 72L << 20;

    @Param({"fs"})
    public String store;

    @Param({"4KiB", "8MiB"})
    public String chunking;

    @Param({"8MiB", "64MiB", "over"})
    public String answer;

    @Param({"open", "sealed"})
    public String form;

    Path dataDir;
    LogStore logStore;
    JobId job;
    int lines;

    /** Line {@code n}: its number and a pseudo-random hex tail, so it compresses like text, not like one byte. */
    static byte[] line(long n, SplittableRandom rnd) {
        StringBuilder s = new StringBuilder(LINE_BYTES);
        s.append(String.format("%09d ", n));
        while (s.length() < LINE_BYTES - 1) {
            s.append(Long.toHexString(rnd.nextLong() & 0xFFFF)).append(' ');
        }
        s.setLength(LINE_BYTES - 1);
        return s.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Setup(Level.Trial)
    public void build() {
        dataDir = BenchDirs.newScratch("tail-" + store);
        logStore = StoreSpec.parse(store, "none").open(dataDir);
        job = JobId.of("tail-" + chunking);
        int chunkBytes = chunking.equals("8MiB") ? LogStore.MAX_CHUNK_BYTES : 4096;
        byte[] chunk = new byte[chunkBytes];
        SplittableRandom rnd = new SplittableRandom(1);
        long written = 0;
        long seq = 0;
        long lineNo = 0;
        byte[] pending = line(lineNo++, rnd);
        int pendingAt = 0;
        while (written < LOG_BYTES) {
            int fill = 0;
            while (fill < chunkBytes && written + fill < LOG_BYTES) {
                int n = Math.min(pending.length - pendingAt, chunkBytes - fill);
                System.arraycopy(pending, pendingAt, chunk, fill, n);
                fill += n;
                pendingAt += n;
                if (pendingAt == pending.length) {
                    pending = line(lineNo++, rnd);
                    pendingAt = 0;
                }
            }
            logStore.append(job, new LogChunk(seq++, LogStream.STDOUT, seq, java.util.Arrays.copyOf(chunk, fill)));
            written += fill;
        }
        if (form.equals("sealed")) {
            logStore.seal(job);
        } else {
            // Read as the server reads a log it is receiving: this store instance is the log's writer.
            List<LogChunk> last = logStore.readChunks(job, seq - 1, 1);
            logStore.append(job, last.get(0));
        }
        lines = switch (answer) {
            case "8MiB" -> (8 << 20) / LINE_BYTES;
            case "64MiB" -> LogStore.MAX_READ_BYTES / LINE_BYTES;
            default -> (int) (LOG_BYTES / LINE_BYTES);
        };
        // Make sure each case measures what it says: an answer of the stated size, or a refusal.
        Object first = tail();
        if (answer.equals("over") != (first == null)) {
            throw new IllegalStateException("tail of " + lines + " lines: expected " + (answer.equals("over")
                    ? "a refusal" : "an answer") + ", got " + (first == null ? "a refusal" : "an answer"));
        }
        if (first instanceof byte[] b && b.length != (long) lines * LINE_BYTES) {
            throw new IllegalStateException("tail of " + lines + " lines has " + b.length + " bytes");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        logStore.close();
        BenchDirs.deleteTree(dataDir);
    }

    /** The tail, or null when the store refuses it for holding more than one read may return. */
    @Benchmark
    public byte[] tail() {
        try {
            return logStore.readTailLines(job, lines);
        } catch (InvalidRangeException refused) {
            return null;
        }
    }
}
