package dev.cinch.bench;

import com.github.luben.zstd.ZstdInputStream;
import dev.cinch.logs.JobId;
import dev.cinch.logs.text.TailLines;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Baseline for {@link StoreReadBench}: the log kept as one zstd stream with no index, so a read decompresses the
 * whole log and then slices it. Generous to the baseline: the output buffer is allocated once per trial, and the
 * compressed file is in the page cache after the first read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecompressSliceBaselineBench {
    private static final JobId JOB = JobId.of("baseline");

    @Param({"1MiB", "64MiB", "1GiB"})
    public String logSize;

    Path file;
    byte[] raw;
    final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void build() {
        file = BuiltLogs.ensureWholeZstd(CorpusBytes.load(), logSize);
        raw = new byte[Math.toIntExact(LogSize.parse(logSize))];
    }

    private void decompressAll() throws IOException {
        try (InputStream in = new ZstdInputStream(Files.newInputStream(file))) {
            int n = in.readNBytes(raw, 0, raw.length);
            if (n != raw.length) {
                throw new IOException(file + " holds " + n + " bytes, expected " + raw.length);
            }
        }
    }

    @Benchmark
    public byte[] range64k() throws IOException {
        long offset = random.nextLong(raw.length - StoreReadBench.RANGE_BYTES);
        decompressAll();
        return Arrays.copyOfRange(raw, (int) offset, (int) offset + StoreReadBench.RANGE_BYTES);
    }

    @Benchmark
    public byte[] tail100() throws IOException {
        decompressAll();
        // The same tail algorithm the stores use, over 64 KiB slices of the decompressed log.
        return TailLines.read(JOB, raw.length, StoreReadBench.TAIL_LINES, end -> {
            int start = (int) Math.max(0, end - (64 << 10));
            return new TailLines.Block(start, Arrays.copyOfRange(raw, start, (int) end));
        });
    }
}
