package dev.cinch.bench;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.tiered.ArchiveTransfer;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Archival throughput: one sealed log moved from a source store into a destination store through the tiered store's
 * data path ({@link ArchiveTransfer}: a bounded pipe from the source's export into the destination's verifying
 * import). {@code cold}: {@code copy} keeps the source's archive options (the archive goes as stored);
 * {@code level12} and {@code level19} re-encode with 1 MiB frames at that zstd level, as a cold tier may. MB/s of raw
 * log bytes is the log size over the time per move (target ≥ 50 MB/s from the hot tier to an fs archive tier).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TierMoveBench {
    @Param({"fs"})
    public String source;

    @Param({"fs"})
    public String dest;

    @Param({"copy", "level12", "level19"})
    public String cold;

    @Param({"64MiB"})
    public String logSize;

    LogStore from;
    LogStore to;
    Path toDir;
    JobId job;
    ArchiveTransfer transfer;
    Optional<ArchiveOptions> reencode;

    /** The destination's archive settings for {@code cold}, under its own keys ({@code fs.archive-level}). */
    static Map<String, String> coldSettings(String store, String cold) {
        return switch (cold) {
            case "copy" -> Map.of();
            case "level12" -> Map.of(store + ".archive-level", "12", store + ".archive-frame-size", "1MiB");
            case "level19" -> Map.of(store + ".archive-level", "19", store + ".archive-frame-size", "1MiB");
            default -> throw new IllegalArgumentException("cold must be copy, level12 or level19, got " + cold);
        };
    }

    @Setup(Level.Trial)
    public void open() {
        CorpusBytes corpus = CorpusBytes.load();
        StoreSpec sourceSpec = StoreSpec.parse(source, "none");
        from = sourceSpec.open(BuiltLogs.storeDataDir(source, corpus));
        job = BuiltLogs.ensure(from, corpus, logSize, true);
        toDir = BenchDirs.newScratch("tier-move");
        StoreSpec destSpec = StoreSpec.parse(dest, "none");
        Map<String, String> settings = new java.util.HashMap<>(destSpec.extraSettings());
        settings.putAll(coldSettings(destSpec.name(), cold));
        to = new StoreSpec(destSpec.name(), "none", settings).open(toDir);
        transfer = new ArchiveTransfer();
        reencode = ArchiveTransfer.reencodeOptions(from, to);
        if (cold.equals("copy") != reencode.isEmpty()) {
            throw new IllegalStateException("cold=" + cold + " but the stores' archive options say re-encode=" + reencode.isPresent());
        }
    }

    @TearDown(Level.Invocation)
    public void removeCopy() {
        to.delete(job);
    }

    @TearDown(Level.Trial)
    public void close() {
        transfer.close();
        to.close();
        from.close();
        BenchDirs.deleteTree(toDir);
    }

    @Benchmark
    public long move() {
        transfer.copy(job, from, to, reencode);
        return to.stat(job).storedBytes();
    }
}
