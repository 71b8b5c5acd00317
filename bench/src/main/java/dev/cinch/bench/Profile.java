package dev.cinch.bench;

import org.openjdk.jmh.runner.options.TimeValue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A benchmark profile: JMH settings plus, per benchmark, which parameter values to run. Per-benchmark values are
 * why this exists rather than JMH's command line, whose {@code -p} applies one list to every benchmark.
 *
 * @param name smoke, quick, full or queue
 * @param forks JVM forks per configuration
 * @param warmups warmup iterations
 * @param warmupTime time per warmup iteration
 * @param iterations measured iterations (three or more, or JMH gives no error)
 * @param iterationTime time per measured iteration
 * @param runs what to run
 */
public record Profile(String name, int forks, int warmups, TimeValue warmupTime, int iterations, TimeValue iterationTime,
                      List<Run> runs) {

    /**
     * Benchmarks matching {@code include} (a regex over {@code Class.method}) with these parameter values.
     */
    public record Run(String include, Map<String, String> params, Optional<Warmup> warmup, List<String> jvmArgs) {
        public Run(String include, Map<String, String> params) {
            this(include, params, Optional.empty(), List.of());
        }

        /** The same run with its own warm-up, for a benchmark still speeding up after the profile's. */
        Run warmingUp(int iterations, TimeValue time) {
            return new Run(include, params, Optional.of(new Warmup(iterations, time)), jvmArgs);
        }

        /** The same run with extra arguments for its forked JVMs. */
        Run withJvmArgs(List<String> args) {
            return new Run(include, params, warmup, args);
        }
    }

    /** Warm-up iterations and time per iteration. */
    public record Warmup(int iterations, TimeValue time) {
    }

    /**
     * For a benchmark that allocates what a pass reads while its baseline allocates nothing: a fixed heap, touched
     * before the run. On a virtual machine, the first write to each page of a growing heap is a costly fault; a
     * long-running server pays it once, but a short benchmark fork pays it inside whichever passes first reach fresh
     * heap, so passes alternate between about 40 ms and 400 ms (measured on SealedPagingBench before this).
     */
    static final List<String> PRE_TOUCHED_HEAP = List.of(SealedPagingBench.HEAP_MIN, SealedPagingBench.HEAP_MAX,
            SealedPagingBench.PRE_TOUCH);

    /**
     * The profiles. {@code stores} is the comma-separated list of stores to compare (see {@link BenchTargets}).
     */
    public static Profile named(String name, String stores) {
        return switch (name) {
            case "smoke" -> new Profile(name, 1, 0, TimeValue.milliseconds(100), 1, TimeValue.milliseconds(100), List.of(
                    // Every store once through the two benchmarks that open it (one method each); the rest on fs:
                    // enough to prove every benchmark and every store target still runs, in a few minutes.
                    new Run("StoreAppendBench.job1", Map.of("store", except(stores, "fs"), "durability", "none", "chunkBytes", "4096")),
                    new Run("StoreAppendBench", Map.of("store", only(stores, "fs"), "durability", "none", "chunkBytes", "4096")),
                    new Run("FileAppendBaselineBench", Map.of("durability", "none", "chunkBytes", "4096")),
                    new Run("SqliteAppendBaselineBench", Map.of("synchronous", "OFF", "chunkBytes", "4096")),
                    new Run("StoreReadBench.range64k", Map.of("store", except(stores, "fs"), "logSize", "1MiB")),
                    new Run("StoreReadBench", Map.of("store", only(stores, "fs"), "logSize", "1MiB")),
                    new Run("TailCostBench", Map.of("store", only(stores, "fs"), "chunking", "8MiB", "answer", "over", "form", "open")),
                    new Run("SealedPagingBench", Map.of("store", only(stores, "fs"), "logSize", "1MiB")).withJvmArgs(PRE_TOUCHED_HEAP),
                    new Run("TierMoveBench", Map.of("logSize", "1MiB", "cold", "copy,level12")),
                    new Run("SyncStrategyBench", Map.of("work", "none")),
                    new Run("DecompressSliceBaselineBench", Map.of("logSize", "1MiB")),
                    new Run("FollowLatencyBench", Map.of("store", only(stores, "fs"), "durability", "none")),
                    new Run("ChunkCodecBench", Map.of("chunkBytes", "4096")),
                    new Run("JobClaimBench", Map.of("database", "postgres,sqlite")),
                    new Run("DbAppendBench", Map.of("database", "sqlite,postgres", "mode", "store,seed,tx")),
                    new Run("MaskingAppendBench", Map.of("durability", "none")),
                    new Run("CrossJobSearchBench", Map.of("totalMiB", "32"))));
            // Quick: every benchmark and every target, at the sizes that decide the targets; about 45 forks.
            case "quick" -> new Profile(name, 1, 1, TimeValue.seconds(1), 3, TimeValue.milliseconds(400), List.of(
                    new Run("StoreAppendBench", Map.of("store", only(stores, "fs"), "durability", "fsync,group,none", "chunkBytes", "4096")),
                    // The other tiers have one durable mode each (db: every append commits; s3: stored), run once, at
                    // 1 and 32 jobs (256 is the fs group-commit question of issue 9).
                    new Run("StoreAppendBench.job(1|s32)", Map.of("store", except(stores, "fs"), "durability", "group", "chunkBytes", "4096")),
                    new Run("FileAppendBaselineBench", Map.of("durability", "fsync,group,none", "chunkBytes", "4096")),
                    new Run("SqliteAppendBaselineBench", Map.of("synchronous", "FULL,OFF", "chunkBytes", "4096")),
                    new Run("StoreReadBench", Map.of("store", only(stores, "fs,db,db-postgres"), "logSize", "1MiB,1GiB")),
                    // Building a 1 GiB log on S3Proxy or through the tiered store takes minutes; 64 MiB shows the growth.
                    new Run("StoreReadBench", Map.of("store", except(stores, "fs,db,db-postgres"), "logSize", "1MiB,64MiB")),
                    // The same reads with the frame cache off: the like-for-like measure of cost against log size.
                    new Run("StoreReadBench", Map.of("store", withoutFrameCache(only(stores, "fs,db")), "form", "sealed", "logSize", "1MiB,1GiB")),
                    new Run("TailCostBench", Map.of("store", only(stores, "fs"))),
                    // Each pass opens the store afresh and decompresses every frame once: a few passes to warm up.
                    new Run("SealedPagingBench", Map.of("store", only(stores, "fs")))
                            .warmingUp(3, TimeValue.seconds(1)).withJvmArgs(PRE_TOUCHED_HEAP),
                    // db → fs (the one-SQLite-file profile's move), fs → s3 (offsite), and fs → fs re-encoded for a cold tier.
                    new Run("TierMoveBench", Map.of("source", only(stores, "fs,db"), "dest", "fs", "cold", "copy")),
                    new Run("TierMoveBench", Map.of("source", "fs", "dest", only(stores, "s3"), "cold", "copy")),
                    new Run("TierMoveBench", Map.of("source", "fs", "dest", "fs", "cold", "level12,level19")),
                    // What the cold-tier settings TierMoveBench re-encodes to cost a read afterwards.
                    new Run("StoreReadBench", Map.of("store", COLD_SETTINGS, "form", "sealed", "logSize", "64MiB")),
                    new Run("SyncStrategyBench", Map.of()),
                    new Run("DecompressSliceBaselineBench", Map.of("logSize", "1MiB,1GiB")),
                    new Run("FollowLatencyBench.*", Map.of("store", only(stores, "fs"), "durability", "fsync,group,none", "writer", "in-process")),
                    new Run("FollowLatencyBench.*", Map.of("store", except(stores, "fs"), "durability", "group", "writer", "in-process")),
                    // Across processes: not s3, whose benchmark server lives inside one JVM (the child would start
                    // its own); the s3 store's cross-instance follow is tested in its module.
                    new Run("FollowLatencyBench.*", Map.of("store", except(stores, "s3"), "durability", "group", "writer", "child-process")),
                    new Run("ChunkCodecBench", Map.of("chunkBytes", "4096")),
                    new Run("JobClaimBench", Map.of("database", "postgres,sqlite")),
                    new Run("DbAppendBench", Map.of("database", "sqlite,postgres", "mode", "store,seed,tx")),
                    // Still speeding up after one second (the masking profile's warm-up, measured the same way).
                    new Run("MaskingAppendBench", Map.of()).warmingUp(2, TimeValue.seconds(1))));
            // Full: every parameter the benchmarks declare.
            case "full" -> new Profile(name, 1, 2, TimeValue.seconds(1), 3, TimeValue.seconds(2), List.of(
                    new Run("StoreAppendBench", Map.of("store", only(stores, "fs"))),
                    new Run("StoreAppendBench.job(1|s32)", Map.of("store", except(stores, "fs"), "durability", "group,none")),
                    new Run("FileAppendBaselineBench", Map.of()),
                    new Run("SqliteAppendBaselineBench", Map.of()),
                    new Run("StoreReadBench", Map.of("store", stores)),
                    new Run("StoreReadBench", Map.of("store", withoutFrameCache(stores), "form", "sealed", "logSize", "1MiB,1GiB")),
                    new Run("TailCostBench", Map.of("store", stores)),
                    new Run("SealedPagingBench", Map.of("store", stores)).withJvmArgs(PRE_TOUCHED_HEAP),
                    new Run("TierMoveBench", Map.of("source", only(stores, "fs,db"), "dest", "fs", "cold", "copy")),
                    new Run("TierMoveBench", Map.of("source", "fs", "dest", only(stores, "s3"), "cold", "copy")),
                    new Run("TierMoveBench", Map.of("source", "fs", "dest", "fs", "cold", "level12,level19")),
                    new Run("StoreReadBench", Map.of("store", COLD_SETTINGS, "form", "sealed", "logSize", "64MiB")),
                    new Run("SyncStrategyBench", Map.of()),
                    new Run("DecompressSliceBaselineBench", Map.of()),
                    new Run("FollowLatencyBench", Map.of("store", only(stores, "fs"))),
                    new Run("FollowLatencyBench", Map.of("store", except(stores, "fs,s3"), "durability", "group")),
                    new Run("FollowLatencyBench", Map.of("store", only(stores, "s3"), "durability", "group", "writer", "in-process")),
                    new Run("ChunkCodecBench", Map.of()),
                    new Run("JobClaimBench", Map.of()),
                    new Run("DbAppendBench", Map.of()),
                    new Run("MaskingAppendBench", Map.of())));
            // Search: only the cross-job search over 1 GiB of sealed logs against decompressing them all; run.sh
            // rewrites only its section of RESULTS.md. One operation is the whole set, so iterations are long.
            case "search" -> new Profile(name, 1, 1, TimeValue.seconds(5), 5, TimeValue.seconds(5), List.of(
                    new Run("CrossJobSearchBench", Map.of("totalMiB", "1024"))));
            // Masking: only the masking cost, with quick settings; run.sh rewrites only its section of RESULTS.md.
            case "masking" -> new Profile(name, 1, 2, TimeValue.seconds(1), 5, TimeValue.seconds(1), List.of(
                    new Run("MaskingAppendBench", Map.of())));
            // Queue: only the job queue benchmark, with longer measurement than full (claims/s on a shared machine
            // moves a lot); run.sh rewrites only its own section of RESULTS.md.
            case "queue" -> new Profile(name, 1, 2, TimeValue.seconds(1), 5, TimeValue.seconds(2), List.of(
                    new Run("JobClaimBench", Map.of("database", "postgres,sqlite"))));
            default -> throw new IllegalArgumentException("unknown profile '" + name + "': smoke, quick, full, queue, masking or search");
        };
    }

    /** The stores of {@code stores} (comma-separated) that are among {@code names}; JMH takes an empty list as none. */
    static String only(String stores, String names) {
        List<String> keep = List.of(names.split(","));
        return String.join(",", java.util.Arrays.stream(stores.split(",")).filter(keep::contains).toList());
    }

    /** The stores of {@code stores} that are not among {@code names}. */
    static String except(String stores, String names) {
        List<String> drop = List.of(names.split(","));
        return String.join(",", java.util.Arrays.stream(stores.split(",")).filter(s -> !drop.contains(s)).toList());
    }

    /** The fs archive settings a cold tier may re-encode to, as store specs (';' because JMH splits at commas). */
    static final String COLD_SETTINGS = "fs,fs:fs.archive-level=12;fs.archive-frame-size=1MiB,"
            + "fs:fs.archive-level=19;fs.archive-frame-size=1MiB";

    /**
     * Each store with its frame cache off ({@code <name>:<name>.frame-cache-size=0}); JMH splits parameter values at
     * commas, so several stores become a comma-separated list again.
     */
    static String withoutFrameCache(String stores) {
        StringBuilder out = new StringBuilder();
        for (String store : stores.split(",")) {
            out.append(out.length() == 0 ? "" : ",").append(store).append(':').append(store).append(".frame-cache-size=0");
        }
        return out.toString();
    }
}
