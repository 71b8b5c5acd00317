package dev.cinch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Turns one run's JMH JSON and compression report into {@code RESULTS.md} and {@code chart.svg}: a table per
 * benchmark with JMH's error and the ratio to the baseline measured in the same run, the targets with whether each
 * is met, and the machine and JMH settings.
 *
 * <p>Usage: {@code ReportMain --jmh F --compression F --out RESULTS.md --chart chart.svg --profile P
 * [--data-dir-fs TEXT] [--load TEXT] [--duration TEXT] [--notes notes.properties]}.
 */
public final class ReportMain {
    private static final double APPEND_TARGET = 1.0;
    private static final double SIZE_GROWTH_TARGET = 1.5;
    private static final double SPEEDUP_TARGET = 100;
    private static final double SEALED_RATIO_TARGET = 10.5;
    private static final double FOLLOW_P99_TARGET_MS = 50;
    private static final String[] SIZES = {"1MiB", "64MiB", "1GiB"};
    private static final String[] DURABILITIES = {"fsync", "group", "none"};

    private final List<JmhResult> results;
    private final JsonNode compression;
    /** S3RequestReport's counts, when the run compared the s3 store. */
    private JsonNode s3Requests;
    private final Map<String, String> options;
    private final List<String> stores;
    private final StringBuilder md = new StringBuilder();
    private final List<String[]> targets = new ArrayList<>();
    /** Why a store misses a target (mechanisms in its code), keyed {@code <target>.<store>}: see notes.properties. */
    private final Properties notes = new Properties();

    private ReportMain(List<JmhResult> results, JsonNode compression, Map<String, String> options) {
        this.results = results;
        this.compression = compression;
        this.options = options;
        this.stores = new ArrayList<>(new TreeSet<>(results.stream()
                .filter(r -> r.params().containsKey("store")).map(r -> r.param("store")).toList()));
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        ObjectMapper json = new ObjectMapper();
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode node : json.readTree(Path.of(require(options, "jmh")).toFile())) {
            results.add(JmhResult.of(node));
        }
        boolean sectionOnly = options.containsKey("queue-only") || options.containsKey("masking-only")
                || options.containsKey("search-only");
        Path compressionFile = sectionOnly ? null : Path.of(require(options, "compression"));
        JsonNode compression = compressionFile != null && Files.exists(compressionFile) ? json.readTree(compressionFile.toFile()) : null;
        ReportMain report = new ReportMain(results, compression, options);
        if (options.containsKey("queue-only")) {
            // Only the job queue was measured: rewrite its section of an existing report, keep everything else.
            Path out = Path.of(require(options, "out"));
            String existing = Files.exists(out) ? Files.readString(out) : "# Benchmark results\n\n";
            Files.writeString(out, spliceQueueSection(existing, report.queueSection(json.readTree(Path.of(options.get("jmh")).toFile()))));
            return;
        }
        if (options.containsKey("masking-only")) {
            Path out = Path.of(require(options, "out"));
            String existing = Files.exists(out) ? Files.readString(out) : "# Benchmark results\n\n";
            Files.writeString(out, splice(existing, MASKING_BEGIN, MASKING_END,
                    report.maskingSection(json.readTree(Path.of(options.get("jmh")).toFile()))));
            return;
        }
        if (options.containsKey("search-filters") && Files.exists(Path.of(options.get("search-filters")))) {
            report.searchFilters = json.readTree(Path.of(options.get("search-filters")).toFile());
        }
        if (options.containsKey("search-only")) {
            Path out = Path.of(require(options, "out"));
            String existing = Files.exists(out) ? Files.readString(out) : "# Benchmark results\n\n";
            Files.writeString(out, splice(existing, SEARCH_BEGIN, SEARCH_END,
                    report.searchSection(json.readTree(Path.of(options.get("jmh")).toFile()))));
            return;
        }
        if (options.containsKey("s3-requests") && Files.exists(Path.of(options.get("s3-requests")))) {
            report.s3Requests = json.readTree(Path.of(options.get("s3-requests")).toFile());
        }
        if (options.containsKey("notes")) {
            try (Reader in = Files.newBufferedReader(Path.of(options.get("notes")))) {
                report.notes.load(in);
            }
        }
        Files.writeString(Path.of(require(options, "out")), report.markdown(json.readTree(Path.of(options.get("jmh")).toFile())));
        Files.writeString(Path.of(require(options, "chart")), report.chart());
    }

    private static String require(Map<String, String> options, String key) {
        return Objects.requireNonNull(options.get(key), "missing --" + key);
    }

    private String why(String target, String store) {
        String bare = store.contains(" (") ? store.substring(0, store.indexOf(" (")) : store;
        return notes.getProperty(target + "." + bare, "(no note for this store in notes.properties)");
    }

    // ---- lookups ---------------------------------------------------------------------------------------------

    private Optional<JmhResult> find(String benchmark, Predicate<JmhResult> match) {
        return results.stream().filter(r -> r.benchmark().equals(benchmark) && match.test(r)).findFirst();
    }

    private static Predicate<JmhResult> params(String... kv) {
        return r -> {
            for (int i = 0; i < kv.length; i += 2) {
                if (!r.param(kv[i]).equals(kv[i + 1])) {
                    return false;
                }
            }
            return true;
        };
    }

    private static String sqliteSync(String durability) {
        return durability.equals("none") ? "OFF" : "FULL";
    }

    private static String jobsMethod(int jobs) {
        return jobs == 1 ? "job1" : "jobs" + jobs;
    }

    private static String kib(int bytes) {
        return bytes >= 1024 ? (bytes / 1024) + " KiB" : bytes + " B";
    }

    // ---- markdown --------------------------------------------------------------------------------------------

    private String markdown(JsonNode rawJmh) {
        String body = appendSection() + durabilitySection() + syncStrategySection() + readSection() + tailCostSection() + pagingSection() + tierMoveSection() + s3RequestSection() + dbAppendSection()
                + followSection() + codecSection() + compressionSection() + maskingSection(rawJmh) + searchSection(rawJmh)
                + queueSection(rawJmh);
        md.append("# Benchmark results\n\n");
        md.append("Generated by `bench/run.sh --").append(options.getOrDefault("profile", "?"))
                .append("`; do not edit by hand. How to run and what each benchmark measures: [README.md](README.md).\n\n");
        md.append("![Stores against baselines](chart.svg)\n\n");
        md.append("[Chart: stores against baselines, same run](chart.svg)\n\n");
        md.append(recommendationSection());
        md.append(machineSection(rawJmh));
        md.append("## Targets\n\n");
        md.append("| target | measured | met? | why, when missed |\n|---|---|---|---|\n");
        for (String[] t : targets) {
            md.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" | ")
                    .append(t[2].contains("missed") && t.length > 3 ? t[3] : "").append(" |\n");
        }
        md.append("\nWhat the numbers say, the store fixes they led to and the levers left: [README.md](README.md#what-the-numbers-say).\n\n");
        md.append(body);
        return md.toString();
    }

    private String machineSection(JsonNode rawJmh) {
        StringBuilder s = new StringBuilder("## Run\n\n");
        JsonNode first = rawJmh.size() > 0 ? rawJmh.get(0) : null;
        s.append("| | |\n|---|---|\n");
        // --date: when the report is written again later from the same run's results (e.g. after editing notes).
        s.append("| date | ").append(options.getOrDefault("date", ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))).append(" |\n");
        s.append("| profile | ").append(options.getOrDefault("profile", "?")).append(" (wall time ")
                .append(options.getOrDefault("duration", "?")).append(") |\n");
        s.append("| CPUs (nproc) | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
        s.append("| CPU model | ").append(MachineInfo.cpuModel()).append(" |\n");
        s.append("| memory | ").append(MachineInfo.memory()).append(" |\n");
        s.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append(" |\n");
        if (first != null) {
            s.append("| JVM | ").append(first.get("vmName").asText()).append(' ').append(first.get("jdkVersion").asText())
                    .append(" (").append(first.get("vmVersion").asText()).append(") |\n");
            s.append("| JMH | ").append(first.get("jmhVersion").asText()).append("; forks ").append(first.get("forks").asInt())
                    .append(", warmup ").append(first.get("warmupIterations").asInt()).append(" × ").append(first.get("warmupTime").asText())
                    .append(", measurement ").append(first.get("measurementIterations").asInt()).append(" × ")
                    .append(first.get("measurementTime").asText()).append("; error = 99.9% confidence half-width |\n");
        }
        s.append("| data folder | ").append(options.getOrDefault("data-dir-fs", "?")).append(" |\n");
        s.append("| corpus | ").append(compression == null ? "?" : (compression.get("realCorpus").asBoolean()
                ? "real CI logs (" + compression.get("logs").asInt() + " logs, " + ReportFormat.number(
                compression.get("columns").get(0).get("rawBytes").asDouble() / (1 << 20)) + " MiB) from CINCH_CORPUS_DIR"
                : "generated CI-like corpus (CINCH_CORPUS_DIR unset)")).append(" |\n");
        s.append("| machine load | ").append(options.getOrDefault("load", "?")).append(" |\n\n");
        s.append("The machine is shared with other builds, so absolute numbers move between runs; every comparison "
                + "below is a ratio of two results measured in this same run, which is what to rely on.\n\n");
        return s.toString();
    }

    static final String QUEUE_BEGIN = "<!-- job-queue:begin -->";
    static final String QUEUE_END = "<!-- job-queue:end -->";

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static final String SEARCH_BEGIN = "<!-- search:begin -->";
    static final String SEARCH_END = "<!-- search:end -->";

    /** The filter counts of the cross-job search set (SearchFilterReport), when measured. */
    JsonNode searchFilters;

    static final String MASKING_BEGIN = "<!-- masking:begin -->";
    static final String MASKING_END = "<!-- masking:end -->";

    /** Replaces the job queue section of {@code report} (between its markers), or appends it. */
    static String spliceQueueSection(String report, String section) {
        return splice(report, QUEUE_BEGIN, QUEUE_END, section);
    }

    /** Replaces the section of {@code report} between {@code beginMarker} and {@code endMarker}, or appends it. */
    static String splice(String report, String beginMarker, String endMarker, String section) {
        int begin = report.indexOf(beginMarker);
        int end = report.indexOf(endMarker);
        if (begin >= 0 && end > begin) {
            int after = end + endMarker.length();
            if (after < report.length() && report.charAt(after) == '\n') {
                after++;
            }
            return report.substring(0, begin) + section + report.substring(after);
        }
        return report + (report.endsWith("\n") ? "\n" : "\n\n") + section;
    }

    /**
     * The job queue's claims per second, with its own date, machine and JMH settings: it may be measured alone (the
     * {@code queue} profile) and spliced into a report of an earlier run. Empty when the run did not include it.
     */
    String queueSection(JsonNode rawJmh) {
        List<JmhResult> claims = results.stream().filter(r -> r.benchmark().equals("JobClaimBench.claimAndComplete")).toList();
        if (claims.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(QUEUE_BEGIN).append('\n');
        s.append("## Job queue: claims per second (8 workers, higher is better)\n\n");
        s.append("`JobClaimBench`: 8 JMH threads, each a worker that claims the next job (`claimNextJob`: `FOR UPDATE "
                + "SKIP LOCKED` on Postgres, one `BEGIN IMMEDIATE` transaction on SQLite) and completes it (`completeJob`); "
                + "one operation is one claim and its completion, each its own committed transaction. Jobs carry mixed "
                + "labels and every worker carries all of them. The queue is refilled before each iteration; an iteration "
                + "in which a claim found it empty fails the run.\n\n");
        s.append(standaloneRunTable(rawJmh, "JobClaimBench.claimAndComplete"));
        s.append("| databases | ").append(options.getOrDefault("databases", "Postgres on the same machine; SQLite (WAL) in the data folder"))
                .append(" |\n");
        s.append("| machine load | ").append(options.getOrDefault("load", "?")).append(" |\n\n");
        s.append("| database | claims/s | ± error | iterations |\n|---|---|---|---|\n");
        for (String database : new String[] {"postgres", "sqlite"}) {
            claims.stream().filter(r -> r.param("database").equals(database)).findFirst().ifPresent(r ->
                    s.append("| ").append(database).append(" | ").append(ReportFormat.number(r.score())).append(" | ")
                            .append(Double.isNaN(r.error()) ? "n/a" : ReportFormat.number(r.error())).append(" | ")
                            .append(r.samples()).append(" |\n"));
        }
        s.append('\n').append(QUEUE_END).append('\n');
        return s.toString();
    }

    /**
     * Date, profile, machine, JVM and JMH settings of this run, for a section that may be measured alone and spliced
     * into a report of an earlier run (it then says when and where it was measured).
     */
    private String standaloneRunTable(JsonNode rawJmh, String benchmark) {
        StringBuilder s = new StringBuilder();
        JsonNode first = null;
        for (JsonNode n : rawJmh) {
            if (n.get("benchmark").asText().endsWith(benchmark)) {
                first = n;
                break;
            }
        }
        s.append("| | |\n|---|---|\n");
        // --date: when the report is written again later from the same run's results (e.g. after editing notes).
        s.append("| date | ").append(options.getOrDefault("date", ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))).append(" |\n");
        s.append("| profile | ").append(options.getOrDefault("profile", "?")).append(" (wall time ")
                .append(options.getOrDefault("duration", "?")).append(") |\n");
        s.append("| machine | ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (").append(MachineInfo.cpuModel())
                .append("), ").append(MachineInfo.memory()).append(", ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(" |\n");
        if (first != null) {
            s.append("| JVM | ").append(first.get("vmName").asText()).append(' ').append(first.get("jdkVersion").asText()).append(" |\n");
            s.append("| JMH | ").append(first.get("jmhVersion").asText()).append("; forks ").append(first.get("forks").asInt())
                    .append(", warmup ").append(first.get("warmupIterations").asInt()).append(" × ").append(first.get("warmupTime").asText())
                    .append(", measurement ").append(first.get("measurementIterations").asInt()).append(" × ")
                    .append(first.get("measurementTime").asText()).append("; error = 99.9% confidence half-width |\n");
        }
        return s.toString();
    }

    /**
     * Cross-job search (CrossJobSearchBench, SearchFilterReport): the filtered search against decompressing every
     * archive and scanning it, in the same run, and what the filters read and cost. Empty when the run did not include it.
     */
    String searchSection(JsonNode rawJmh) {
        Optional<JmhResult> filtered = results.stream().filter(r -> r.benchmark().equals("CrossJobSearchBench.filtered")).findFirst();
        Optional<JmhResult> scan = results.stream().filter(r -> r.benchmark().equals("CrossJobSearchBench.zstdgrep")).findFirst();
        if (filtered.isEmpty() || scan.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(SEARCH_BEGIN).append('\n');
        s.append("## Search across jobs: a rare string in 1 GiB of sealed logs (ms for the whole set, lower is better)\n\n");
        s.append("`CrossJobSearchBench`: the corpus in 16 MiB jobs sealed by the fs store at its default archive settings "
                + "(256 KiB frames, level 8), one of them holding `" + SearchSet.LITERAL + "` once. `filtered` searches "
                + "every log through `LogStore.search` (`-F`), which reads only the frames whose trigram filters may hold "
                + "the string; `zstdgrep` decompresses every exported archive whole with zstd's stream decoder and scans "
                + "it for the string, as `zstdgrep -F` does. Both must find exactly the one line. Targets: ≤ 5% of the "
                + "frames read, ≥ 10x faster than decompress-and-scan, filters ≤ 5% of the archives.\n\n");
        s.append(standaloneRunTable(rawJmh, "CrossJobSearchBench.filtered"));
        s.append("| machine load | ").append(options.getOrDefault("load", "?")).append(" |\n\n");
        Optional<JmhResult> decompress = results.stream().filter(r -> r.benchmark().equals("CrossJobSearchBench.decompressOnly")).findFirst();
        double ratio = scan.get().score() / filtered.get().score();
        String speedVerdict = ratio >= 10 ? "**met**" : "**missed**";
        s.append("| set | filtered | decompress and scan (zstdgrep) | zstdgrep / filtered | ≥ 10x? | decompress only (no scan) | decompress only / filtered |\n|---|---|---|---|---|---|---|\n");
        s.append("| ").append(filtered.get().param("totalMiB")).append(" MiB | ").append(ReportFormat.scoreWithError(filtered.get()))
                .append(" | ").append(ReportFormat.scoreWithError(scan.get())).append(" | ").append(ReportFormat.ratio(ratio))
                .append(" | ").append(speedVerdict).append(" | ")
                .append(decompress.map(ReportFormat::scoreWithError).orElse("-")).append(" | ")
                .append(decompress.map(d -> ReportFormat.ratio(d.score() / filtered.get().score())).orElse("-")).append(" |\n\n");
        s.append("`decompress only` is the floor under any way that reads every log whole, however fast its scan: the "
                + "ratio holds against it too, so it does not rest on a slow scan in the baseline.\n\n");
        targets.add(new String[] {"cross-job search for a rare string ≥ 10x faster than decompress-and-scan",
            ReportFormat.ratio(ratio), speedVerdict, why("search", "fs")});
        if (searchFilters != null) {
            long frames = searchFilters.get("frames").asLong();
            long candidates = searchFilters.get("candidateFrames").asLong();
            long archive = searchFilters.get("archiveBytes").asLong();
            long filters = searchFilters.get("filterBytes").asLong();
            double frameShare = (double) candidates / frames;
            double sizeShare = (double) filters / archive;
            String framesVerdict = frameShare <= 0.05 ? "**met**" : "**missed**";
            String sizeVerdict = sizeShare <= 0.05 ? "**met**" : "**missed**";
            s.append("| | value | target | |\n|---|---|---|---|\n");
            s.append(String.format(Locale.ROOT, "| frames the filters leave to read | %d of %d (%.2f%%), in %d of %d logs | ≤ 5%% | %s |%n",
                    candidates, frames, 100 * frameShare, searchFilters.get("logsWithCandidates").asLong(),
                    searchFilters.get("jobs").asLong(), framesVerdict));
            s.append(String.format(Locale.ROOT, "| filter frames against the archives | %s of %s (%.2f%%) | ≤ 5%% | %s |%n",
                    mib(filters), mib(archive), 100 * sizeShare, sizeVerdict));
            s.append(String.format(Locale.ROOT, "| corpus | %s, %s raw | | |%n%n", searchFilters.get("corpus").asText(),
                    mib(searchFilters.get("rawBytes").asLong())));
            targets.add(new String[] {"a rare string's search reads ≤ 5% of the frames", String.format(Locale.ROOT, "%.2f%%", 100 * frameShare),
                framesVerdict, why("search-frames", "fs")});
            targets.add(new String[] {"the filters add ≤ 5% to the archives", String.format(Locale.ROOT, "%.2f%%", 100 * sizeShare),
                sizeVerdict, why("search-size", "fs")});
        }
        s.append(SEARCH_END).append('\n');
        return s.toString();
    }

    /**
     * What secret masking costs an append (MaskingAppendBench), with its own run table: it may be measured alone (the
     * {@code masking} profile) and spliced into a report. Empty when the run did not include it.
     */
    String maskingSection(JsonNode rawJmh) {
        List<JmhResult> runs = results.stream().filter(r -> r.benchmark().equals("MaskingAppendBench.append")).toList();
        if (runs.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(MASKING_BEGIN).append('\n');
        s.append("## Secret masking: what it costs an append (appends per second, higher is better)\n\n");
        s.append("`MaskingAppendBench`: one job appending 4 KiB chunks of real logs to the fs store, as it is (0 secrets, "
                + "the baseline) and behind `MaskingLogStore` with 100 registered 32-byte values, each also looked for "
                + "base64- and URL-encoded. The logs hold none of them, so this is the cost of looking, which every "
                + "append pays. Target: masking costs ≤ 10% of append throughput (ratio ≥ 0.90).\n\n");
        s.append(standaloneRunTable(rawJmh, "MaskingAppendBench.append"));
        s.append("| machine load | ").append(options.getOrDefault("load", "?")).append(" |\n\n");
        s.append("| durability | 0 secrets | 100 secrets | 100 / 0 | ≤ 10% cost? |\n|---|---|---|---|---|\n");
        for (String durability : DURABILITIES) {
            Optional<JmhResult> plain = runs.stream().filter(params("durability", durability, "secrets", "0")).findFirst();
            Optional<JmhResult> masked = runs.stream().filter(params("durability", durability, "secrets", "100")).findFirst();
            if (plain.isEmpty() || masked.isEmpty()) {
                continue;
            }
            double ratio = masked.get().score() / plain.get().score();
            String verdict = ratio >= 0.90 ? "**met**" : "**missed**";
            s.append("| ").append(durability).append(" | ").append(ReportFormat.scoreWithError(plain.get())).append(" | ")
                    .append(ReportFormat.scoreWithError(masked.get())).append(" | ").append(ReportFormat.ratio(ratio))
                    .append(" | ").append(verdict).append(" |\n");
            targets.add(new String[] {"masking with 100 secrets costs ≤ 10% of append throughput (fs, " + durability + ")",
                ReportFormat.ratio(ratio) + " of the unmasked store", verdict, why("masking", "fs")});
        }
        s.append('\n').append(MASKING_END).append('\n');
        return s.toString();
    }

    private String appendSection() {
        StringBuilder s = new StringBuilder("## Append (operations per second, higher is better)\n\n");
        s.append("Each JMH thread is one job appending its own log. Baselines at the same durability: plain file "
                + "(uncompressed `FileChannel`, same fsync cadence), SQLite seed layout (one autocommit `INSERT` of a "
                + "TEXT chunk) and SQLite one row per line (SQLite `synchronous=FULL` for fsync and group, `OFF` for none). "
                + "Ratios are store / baseline.\n\n");
        List<Double> plainRatios = new ArrayList<>();
        String worst = "";
        double worstRatio = Double.MAX_VALUE;
        for (String store : stores) {
            s.append("| store | durability | chunk | jobs | store ops/s | MB/s | plain file ops/s | store / plain | "
                    + "SQLite chunk ops/s | store / SQLite chunk | SQLite line ops/s | store / SQLite line |\n");
            s.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (String d : DURABILITIES) {
                for (int chunk : new int[] {512, 4096, 65536}) {
                    for (int jobs : new int[] {1, 32, 256}) {
                        String c = Integer.toString(chunk);
                        Optional<JmhResult> st = find("StoreAppendBench." + jobsMethod(jobs), params("store", store, "durability", d, "chunkBytes", c));
                        if (st.isEmpty()) {
                            continue;
                        }
                        Optional<JmhResult> plain = find("FileAppendBaselineBench." + jobsMethod(jobs), params("durability", d, "chunkBytes", c));
                        Optional<JmhResult> sqlChunk = find("SqliteAppendBaselineBench." + jobsMethod(jobs),
                                params("layout", "chunk", "synchronous", sqliteSync(d), "chunkBytes", c));
                        Optional<JmhResult> sqlLine = find("SqliteAppendBaselineBench." + jobsMethod(jobs),
                                params("layout", "line", "synchronous", sqliteSync(d), "chunkBytes", c));
                        double score = st.get().score();
                        double rPlain = plain.map(p -> score / p.score()).orElse(Double.NaN);
                        if (!Double.isNaN(rPlain)) {
                            plainRatios.add(rPlain);
                            if (rPlain < worstRatio) {
                                worstRatio = rPlain;
                                worst = d + ", " + kib(chunk) + ", " + jobs + (jobs == 1 ? " job" : " jobs");
                            }
                        }
                        s.append("| ").append(store).append(" | ").append(d).append(" | ").append(kib(chunk)).append(" | ").append(jobs)
                                .append(" | ").append(ReportFormat.scoreWithError(st.get()))
                                .append(" | ").append(ReportFormat.number(score * chunk / 1e6))
                                .append(" | ").append(ReportFormat.scoreWithError(plain.orElse(null)))
                                .append(" | **").append(ReportFormat.ratio(rPlain)).append("**")
                                .append(" | ").append(ReportFormat.scoreWithError(sqlChunk.orElse(null)))
                                .append(" | ").append(ReportFormat.ratio(sqlChunk.map(p -> score / p.score()).orElse(Double.NaN)))
                                .append(" | ").append(ReportFormat.scoreWithError(sqlLine.orElse(null)))
                                .append(" | ").append(ReportFormat.ratio(sqlLine.map(p -> score / p.score()).orElse(Double.NaN)))
                                .append(" |\n");
                    }
                }
            }
            s.append('\n');
            long met = plainRatios.stream().filter(r -> r >= APPEND_TARGET).count();
            targets.add(new String[] {store + " append ≥ 1.0x the plain-file baseline at the same fsync cadence",
                plainRatios.isEmpty() ? "not measured" : met + " of " + plainRatios.size() + " configurations ≥ 1.0x; worst "
                    + ReportFormat.ratio(worstRatio) + " (" + worst + ")" + perDurability(store),
                plainRatios.isEmpty() ? "not measured" : met == plainRatios.size() ? "**met**"
                    : "**missed** (worst by " + ReportFormat.ratio(APPEND_TARGET / worstRatio) + ")",
                why("append", store)});
            plainRatios.clear();
            worstRatio = Double.MAX_VALUE;
        }
        return s.toString();
    }

    /** Geometric mean of store / plain per durability, to show where the store wins and loses. */
    private String perDurability(String store) {
        StringBuilder s = new StringBuilder("; geometric mean by durability:");
        for (String d : DURABILITIES) {
            double logSum = 0;
            int n = 0;
            for (JmhResult r : results) {
                if (r.benchmark().startsWith("StoreAppendBench.") && r.param("store").equals(store) && r.param("durability").equals(d)) {
                    Optional<JmhResult> plain = find("FileAppendBaselineBench." + r.benchmark().split("\\.")[1],
                            params("durability", d, "chunkBytes", r.param("chunkBytes")));
                    if (plain.isPresent()) {
                        logSum += Math.log(r.score() / plain.get().score());
                        n++;
                    }
                }
            }
            if (n > 0) {
                s.append(' ').append(d).append(' ').append(ReportFormat.ratio(Math.exp(logSum / n)));
            }
        }
        return s.toString();
    }

    private String readSection() {
        StringBuilder s = new StringBuilder("## Range reads (microseconds per read, lower is better)\n\n");
        s.append("Logs built by concatenating corpus logs in 4 KiB chunks. `range64k`: 64 KiB at a random offset; "
                + "`tail100`: the last 100 lines; `pageFromSeq`: 100 chunks from a random seq. Baseline: the same log as "
                + "one zstd stream, decompressed whole and then sliced (no baseline for pages: a plain stream has no chunks). "
                + "\"vs 1 MiB\" is this read's time over the same read on the 1 MiB log (target ≤ 1.5x at 1 GiB); "
                + "\"speedup\" is baseline time over store time (target ≥ 100x at 1 GiB).\n\n");
        for (String store : stores) {
            s.append("| store | form | op | log | µs/read | vs 1 MiB | decompress-then-slice µs | speedup |\n");
            s.append("|---|---|---|---|---|---|---|---|\n");
            List<String> growth = new ArrayList<>();
            List<String> speedups = new ArrayList<>();
            boolean growthMet = true;
            boolean speedupMet = true;
            boolean measured1g = false;
            for (String form : new String[] {"open", "sealed"}) {
                for (String op : new String[] {"range64k", "tail100", "pageFromSeq"}) {
                    Optional<JmhResult> small = find("StoreReadBench." + op, params("store", store, "form", form, "logSize", "1MiB"));
                    for (String size : SIZES) {
                        Optional<JmhResult> r = find("StoreReadBench." + op, params("store", store, "form", form, "logSize", size));
                        if (r.isEmpty()) {
                            continue;
                        }
                        Optional<JmhResult> base = find("DecompressSliceBaselineBench." + op, params("logSize", size));
                        double vsSmall = small.map(x -> r.get().score() / x.score()).orElse(Double.NaN);
                        double speedup = base.map(b -> b.score() / r.get().score()).orElse(Double.NaN);
                        s.append("| ").append(store).append(" | ").append(form).append(" | ").append(op).append(" | ").append(size)
                                .append(" | ").append(ReportFormat.scoreWithError(r.get()))
                                .append(" | ").append(ReportFormat.ratio(vsSmall))
                                .append(" | ").append(ReportFormat.scoreWithError(base.orElse(null)))
                                .append(" | ").append(ReportFormat.ratio(speedup)).append(" |\n");
                        if (size.equals("1GiB") && !op.equals("pageFromSeq")) {
                            measured1g = true;
                            growth.add(form + " " + op + " " + ReportFormat.ratio(vsSmall));
                            growthMet &= vsSmall <= SIZE_GROWTH_TARGET;
                            speedups.add(form + " " + op + " " + ReportFormat.ratio(speedup));
                            speedupMet &= speedup >= SPEEDUP_TARGET;
                        }
                    }
                }
            }
            s.append('\n');
            targets.add(new String[] {store + ": 64 KiB range / last 100 lines on a 1 GiB log within 1.5x of the same read on 1 MiB",
                measured1g ? String.join("; ", growth) : "1 GiB not measured in this profile (run --full)",
                measured1g ? (growthMet ? "**met**" : "**missed**") : "not measured", why("read-growth", store)});
            targets.add(new String[] {store + ": same reads on 1 GiB ≥ 100x faster than decompress-then-slice",
                measured1g ? String.join("; ", speedups) : "1 GiB not measured in this profile (run --full)",
                measured1g ? (speedupMet ? "**met**" : "**missed**") : "not measured", why("read-speedup", store)});
        }
        return s.toString();
    }

    private static final double TAIL_COST_TARGET = 2.0;
    private static final double PAGING_TARGET = 1.3;
    private static final double FOLLOW_GROUP_P99_TARGET_MS = 10;

    /** The default durable mode (group commit) against per-append fsync and against no fsync, 4 KiB chunks. */
    private String durabilitySection() {
        StringBuilder s = new StringBuilder();
        for (String store : stores) {
            List<String[]> rows = new ArrayList<>();
            for (int jobs : new int[] {1, 32, 256}) {
                Optional<JmhResult> group = find("StoreAppendBench." + jobsMethod(jobs), params("store", store, "durability", "group", "chunkBytes", "4096"));
                Optional<JmhResult> fsync = find("StoreAppendBench." + jobsMethod(jobs), params("store", store, "durability", "fsync", "chunkBytes", "4096"));
                Optional<JmhResult> none = find("StoreAppendBench." + jobsMethod(jobs), params("store", store, "durability", "none", "chunkBytes", "4096"));
                if (group.isEmpty()) {
                    continue;
                }
                double vsFsync = fsync.map(f -> group.get().score() / f.score()).orElse(Double.NaN);
                double vsNone = none.map(n -> group.get().score() / n.score()).orElse(Double.NaN);
                rows.add(new String[] {Integer.toString(jobs), ReportFormat.scoreWithError(group.get()),
                    ReportFormat.scoreWithError(fsync.orElse(null)), ReportFormat.ratio(vsFsync),
                    ReportFormat.scoreWithError(none.orElse(null)), ReportFormat.ratio(vsNone)});
                String label = store + ": group commit (the default) with " + jobs + (jobs == 1 ? " job" : " jobs");
                if (jobs == 1) {
                    targets.add(new String[] {label + " ≥ 1.0x per-append fsync", "group / fsync " + ReportFormat.ratio(vsFsync),
                        Double.isNaN(vsFsync) ? "not measured" : vsFsync >= 1.0 ? "**met**" : "**missed**", why("group-1", store)});
                } else if (jobs == 32) {
                    boolean met = vsFsync >= 2.0 && vsNone >= 0.5;
                    targets.add(new String[] {label + " ≥ 2x per-append fsync and ≥ 0.5x no fsync",
                        "group / fsync " + ReportFormat.ratio(vsFsync) + ", group / none " + ReportFormat.ratio(vsNone),
                        Double.isNaN(vsFsync) || Double.isNaN(vsNone) ? "not measured" : met ? "**met**" : "**missed**",
                        why("group-32", store)});
                } else {
                    targets.add(new String[] {label + " ≥ 0.5x no fsync", "group / none " + ReportFormat.ratio(vsNone)
                        + " (group / fsync " + ReportFormat.ratio(vsFsync) + ")",
                        Double.isNaN(vsNone) ? "not measured" : vsNone >= 0.5 ? "**met**" : "**missed**", why("group-256", store)});
                }
            }
            if (rows.isEmpty()) {
                continue;
            }
            s.append("## Durability modes compared (appends per second, 4 KiB real chunks, same run)\n\n");
            s.append("`group` (the default) and `fsync` make the same promise (the chunk is on disk when `append` returns); "
                    + "`none` promises only that it survives a crash of the process.\n\n");
            s.append("| store | jobs | group ops/s | fsync ops/s | group / fsync | none ops/s | group / none |\n|---|---|---|---|---|---|---|\n");
            for (String[] r : rows) {
                s.append("| ").append(store).append(" | ").append(String.join(" | ", r)).append(" |\n");
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** Own-file fsyncs coalesced by the filesystem against one shared journal (SyncStrategyBench): the design choice. */
    private String syncStrategySection() {
        if (results.stream().noneMatch(r -> r.benchmark().startsWith("SyncStrategyBench."))) {
            return "";
        }
        StringBuilder s = new StringBuilder("## How to spend fsyncs: own file per log against one shared journal (records per second)\n\n");
        s.append("N jobs each append records to their own file and wait until each is durable: either by forcing their own "
                + "file (concurrent fsyncs the filesystem commits together), or by also writing it to one shared journal "
                + "that a leader forces for everyone waiting; the preallocated journal is overwritten in a ring on space "
                + "written beforehand, so its forces commit no metadata. Work `none`: fixed 1,200-byte records (about one "
                + "compressed 4 KiB chunk), the disk alone; `compress`: each record is the job's next 4 KiB of real log "
                + "compressed with zstd -3 first, as the store does, so forces compete with append work for the CPUs. The "
                + "measurement behind the fs store's group commit (ADR 0002).\n\n");
        s.append("| jobs | work | own file | shared journal | preallocated journal | shared / own | preallocated / own |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (String work : new String[] {"none", "compress"}) {
            for (int jobs : new int[] {1, 32, 256}) {
                Optional<JmhResult> own = syncStrategy(jobs, "own-file", work);
                Optional<JmhResult> shared = syncStrategy(jobs, "shared-journal", work);
                Optional<JmhResult> ring = syncStrategy(jobs, "preallocated-journal", work);
                if (own.isEmpty() && shared.isEmpty() && ring.isEmpty()) {
                    continue;
                }
                s.append("| ").append(jobs).append(" | ").append(work)
                        .append(" | ").append(ReportFormat.scoreWithError(own.orElse(null)))
                        .append(" | ").append(ReportFormat.scoreWithError(shared.orElse(null)))
                        .append(" | ").append(ReportFormat.scoreWithError(ring.orElse(null)))
                        .append(" | ").append(ReportFormat.ratio(ratio(shared, own)))
                        .append(" | ").append(ReportFormat.ratio(ratio(ring, own))).append(" |\n");
            }
        }
        return s.append('\n').toString();
    }

    /** A SyncStrategyBench result; results from before the work parameter existed count as work {@code none}. */
    private Optional<JmhResult> syncStrategy(int jobs, String strategy, String work) {
        return find("SyncStrategyBench." + jobsMethod(jobs), r -> r.param("strategy").equals(strategy)
                && (r.param("work").isEmpty() ? "none" : r.param("work")).equals(work));
    }

    private static double ratio(Optional<JmhResult> a, Optional<JmhResult> b) {
        return a.isPresent() && b.isPresent() ? a.get().score() / b.get().score() : Double.NaN;
    }

    /** The db store's durable appends against the seed's layout and a transaction per append (DbAppendBench). */
    private String dbAppendSection() {
        if (results.stream().noneMatch(r -> r.benchmark().startsWith("DbAppendBench."))) {
            return "";
        }
        StringBuilder s = new StringBuilder("## The db store's appends against the seed's layout (appends per second)\n\n");
        s.append("Durable appends of 4 KiB real chunks. `seed`: one autocommit `INSERT` of a TEXT chunk per append, as the "
                + "seed's `job_logs`; `tx`: the rows the store writes, in a durable transaction of their own per append "
                + "(the store without group commit); `store`: the db LogStore. Targets: store ≥ 20x seed and ≥ 2x tx.\n\n");
        s.append("| database | jobs | store | seed | tx | store / seed | store / tx |\n|---|---|---|---|---|---|---|\n");
        for (String db : new String[] {"sqlite", "postgres"}) {
            for (String method : new String[] {"job1", "jobs32"}) {
                Optional<JmhResult> store = find("DbAppendBench." + method, params("database", db, "mode", "store"));
                Optional<JmhResult> seed = find("DbAppendBench." + method, params("database", db, "mode", "seed"));
                Optional<JmhResult> tx = find("DbAppendBench." + method, params("database", db, "mode", "tx"));
                if (store.isEmpty()) {
                    continue;
                }
                double vsSeed = seed.map(b -> store.get().score() / b.score()).orElse(Double.NaN);
                double vsTx = tx.map(b -> store.get().score() / b.score()).orElse(Double.NaN);
                String jobs = method.equals("job1") ? "1" : "32";
                s.append("| ").append(db).append(" | ").append(jobs).append(" | ").append(ReportFormat.scoreWithError(store.get()))
                        .append(" | ").append(ReportFormat.scoreWithError(seed.orElse(null)))
                        .append(" | ").append(ReportFormat.scoreWithError(tx.orElse(null)))
                        .append(" | ").append(ReportFormat.ratio(vsSeed)).append(" | ").append(ReportFormat.ratio(vsTx)).append(" |\n");
                targets.add(new String[] {"db on " + db + ", " + jobs + " job(s): durable append ≥ 20x the seed literal and ≥ 2x a transaction per append",
                    "store / seed " + ReportFormat.ratio(vsSeed) + ", store / tx " + ReportFormat.ratio(vsTx),
                    Double.isNaN(vsSeed) || Double.isNaN(vsTx) ? "not measured" : vsSeed >= 20 && vsTx >= 2 ? "**met**" : "**missed**",
                    why("db-append", "db")});
            }
        }
        return s.append('\n').toString();
    }

    private double score(String benchmark, String... kv) {
        return find(benchmark, params(kv)).map(JmhResult::score).orElse(Double.NaN);
    }

    /** Durable appends per second of 4 KiB chunks with {@code jobs} concurrent jobs ({@code group}: each tier's durable mode). */
    private double durableAppends(String store, String method) {
        return score("StoreAppendBench." + method, "store", store, "durability", "group", "chunkBytes", "4096");
    }

    private double sealedRead(String store) {
        return score("StoreReadBench.range64k", "store", store, "form", "sealed", "logSize", "1MiB");
    }

    private static String num(double v, String unit) {
        return Double.isNaN(v) ? "not measured" : ReportFormat.number(v) + " " + unit;
    }

    /** The better of two stores by a score (higher is better), or the first when either is missing. */
    private static String better(String a, double sa, String b, double sb) {
        return !Double.isNaN(sb) && (Double.isNaN(sa) || sb > sa) ? b : a;
    }

    /**
     * The opening table: a tier layout per deployment profile, chosen by this run's numbers (durable appends with 32
     * jobs; 64 KiB sealed reads) among the layouts that profile allows, with the numbers that decided it.
     */
    private String recommendationSection() {
        if (results.stream().noneMatch(r -> r.benchmark().startsWith("StoreAppendBench."))) {
            return "";
        }
        StringBuilder s = new StringBuilder("## Which tiers to use (from this run)\n\n");
        s.append("Durable appends per second with 32 concurrent jobs (4 KiB real chunks) and microseconds per 64 KiB read "
                + "of a sealed log, measured in this run; each profile's choice is the faster of the layouts it allows. "
                + "Example configurations: [examples/](../examples/).\n\n");
        s.append("| deployment | use | why (this run) |\n|---|---|---|\n");
        double fs = durableAppends("fs", "jobs32");
        double db = durableAppends("db", "jobs32");
        double pg = durableAppends("db-postgres", "jobs32");
        double s3 = durableAppends("s3", "jobs32");
        double tiered = durableAppends("tiered", "jobs32");
        String single = better("fs", fs, "db", db);
        s.append("| one machine, one disk | `").append(single).append("` (examples/single-machine.yml) | appends: fs ")
                .append(num(fs, "/s")).append(", db on SQLite ").append(num(db, "/s")).append("; sealed reads: fs ")
                .append(num(sealedRead("fs"), "µs")).append(", db ").append(num(sealedRead("db"), "µs")).append(" |\n");
        s.append("| one SQLite file for everything | `tiered`: db, then fs at seal (examples/sqlite-db-then-fs.yml) | appends ")
                .append(num(tiered, "/s")).append(" (db alone ").append(num(db, "/s")).append("); sealed reads from the fs archive ")
                .append(num(sealedRead("tiered"), "µs")).append(" against ").append(num(sealedRead("db"), "µs"))
                .append(" from db, and the database stays small |\n");
        String hot = better("db-postgres", pg, "s3", s3);
        s.append("| several server instances | `tiered`: ").append(hot.equals("s3") ? "s3" : "db on Postgres")
                .append(", then s3 at seal (examples/hosted-postgres-s3.yml) | shared hot tier appends: db on Postgres ")
                .append(num(pg, "/s")).append(", s3 ").append(num(s3, "/s")).append("; sealed reads: s3 ")
                .append(num(sealedRead("s3"), "µs")).append(", db on Postgres ").append(num(sealedRead("db-postgres"), "µs"))
                .append(" |\n");
        double move = score("TierMoveBench.move", "source", "fs", "dest", "fs", "cold", "copy", "logSize", "64MiB");
        s.append("| disk for recent logs, object storage for old ones | `tiered`: fs, then s3 after N days "
                + "(examples/offsite-fs-then-s3.yml) | appends as fs ").append(num(fs, "/s")).append("; old logs read from s3 in ")
                .append(num(sealedRead("s3"), "µs")).append("; a move streams at ")
                .append(Double.isNaN(move) ? "not measured" : ReportFormat.number(64 * 1.048576 / (move / 1000.0)) + " MB/s")
                .append(" (fs → fs) |\n\n");
        return s.toString();
    }

    /** Requests and bytes per s3 operation (S3RequestReport): counted on the store's own client, not timed. */
    private String s3RequestSection() {
        if (s3Requests == null) {
            return "";
        }
        JsonNode r = s3Requests;
        StringBuilder s = new StringBuilder("## s3: requests and bytes per operation (counted, S3Proxy on this machine)\n\n");
        s.append("Counted on the s3 store's own S3 client (every request sent, every response body byte received); "
                + "counts do not depend on the machine's speed. Appends: corpus chunks into one job, the writer's lease, "
                + "its renewals and the close that flushes the last buffer included. Reads: a ").append(r.get("logMiB").asInt())
                .append(" MiB log built from the corpus in 4 KiB chunks, frame cache off (`s3.frame-cache-size=0`) so every "
                + "read pays, after the reader has opened the log once. The sealed log's archive: ")
                .append(ReportFormat.number(r.get("archiveBytes").asDouble())).append(" bytes, ")
                .append(r.get("frames").asInt()).append(" frames (largest ")
                .append(ReportFormat.number(r.get("largestFrameBytes").asDouble())).append(" bytes), index, seek table and footer ")
                .append(ReportFormat.number(r.get("indexBytes").asDouble())).append(" bytes; opening it cost ")
                .append(r.get("sealedOpenRequests").asInt()).append(" requests and ")
                .append(ReportFormat.number(r.get("sealedOpenBytes").asDouble())).append(" bytes, once per reader (the parsed index is cached by bytes).\n\n");
        s.append("| append durability | chunk | MiB appended | requests | requests per MiB |\n|---|---|---|---|---|\n");
        for (JsonNode a : r.get("appends")) {
            s.append("| ").append(a.get("durability").asText()).append(" | ").append(kib(a.get("chunkBytes").asInt()))
                    .append(" | ").append(ReportFormat.number(a.get("appendedMiB").asDouble()))
                    .append(" | ").append(a.get("requests").asLong())
                    .append(" | ").append(ReportFormat.number(a.get("requestsPerMiB").asDouble())).append(" |\n");
        }
        s.append("\n| log | read | reads | requests per read | response bytes per read | compressed bytes of the frames the range touches |\n")
                .append("|---|---|---|---|---|---|\n");
        for (JsonNode x : r.get("reads")) {
            boolean sealedRange = x.get("form").asText().equals("sealed") && x.get("read").asText().equals("range64k");
            s.append("| ").append(x.get("form").asText()).append(" | ").append(x.get("read").asText())
                    .append(" | ").append(x.get("reads").asInt())
                    .append(" | ").append(ReportFormat.number(x.get("requestsPerRead").asDouble()))
                    .append(" | ").append(ReportFormat.number(x.get("bytesPerRead").asDouble()))
                    .append(" | ").append(sealedRange ? ReportFormat.number(x.get("touchedFrameBytesPerRead").asDouble()) : "")
                    .append(" |\n");
            if (x.get("read").asText().equals("searchAbsent")) {
                // Every store call a search makes (stat, the candidate ranges, one read per range) reads the seal
                // pointer, a small object (about 130 bytes), so that it sees a delete or re-import by another
                // instance; anything more than those beyond the frames the filters leave is a frame they ruled out.
                long excess = x.get("maxBytesOverTouchedFrames").asLong();
                int frames = x.get("maxFramesTouched").asInt();
                long otherRequests = Math.round(x.get("requestsPerRead").asDouble()) - frames;
                boolean met = excess <= otherRequests * 160;
                targets.add(new String[] {"s3: a search fetches only the frames its trigram filters leave (a string the log lacks)",
                    String.format(java.util.Locale.ROOT, "%s bytes per search once the filters are held: the %d of %d frames they leave (%s bytes) and %d more requests, %d bytes over the frames (seal pointers)",
                            ReportFormat.number(x.get("bytesPerRead").asDouble()), frames, r.get("frames").asInt(),
                            ReportFormat.number(x.get("touchedFrameBytesPerRead").asDouble()), otherRequests, excess),
                    met ? "**met**" : "**missed**", why("s3-search", "s3")});
            }
            if (sealedRange) {
                long excess = x.get("maxBytesOverTouchedFrames").asLong();
                int frames = x.get("maxFramesTouched").asInt();
                // The seal pointer (a small object naming the archive) is read on every read: it is what makes a read
                // see a delete or a re-import by another instance. Anything above that is a read fetching too much.
                boolean met = frames <= 2 && excess <= 1024;
                targets.add(new String[] {"s3: bytes per 64 KiB sealed read ≤ 2 frames plus the cached index",
                    String.format(java.util.Locale.ROOT, "%s bytes per read; every read ≤ %d frames, at most %d bytes over the frames it touches (the seal pointer)",
                            ReportFormat.number(x.get("bytesPerRead").asDouble()), frames, excess),
                    met ? "**met**" : "**missed**", why("s3-read-bytes", "s3")});
            }
        }
        s.append("\nA sealed read is two requests: a GET of the seal pointer (about 130 bytes, so that a read sees a delete "
                + "or a re-import by another server instance) and one range GET of the frames the range touches; the "
                + "index stays cached. `stored` appends pay one PUT per append (the promise that an acknowledged chunk "
                + "is in S3); `buffered` ones one PUT per segment (4 MiB or one second). `searchAbsent`: `LogStore.search -F` for a "
                + "string the sealed log lacks; the archive's filter frame is fetched once per reader (with the index), and "
                + "then no data frame at all.\n\n");
        return s.toString();
    }

    /**
     * Moving a sealed log between tiers (TierMoveBench), as stored or re-encoded for a cold tier, beside what the
     * cold settings cost a read afterwards (StoreReadBench on sealed 64 MiB logs written with those settings).
     */
    private String tierMoveSection() {
        List<JmhResult> moves = results.stream().filter(r -> r.benchmark().equals("TierMoveBench.move")).toList();
        if (moves.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("## Moving sealed logs between tiers (archival throughput)\n\n");
        s.append("One sealed log moved from the source store into the destination store through the tiered store's data "
                + "path: the archive streams through a 1 MiB pipe into the destination's import, which verifies every "
                + "frame and chunk before the copy becomes visible. `copy` keeps the archive as stored; `level12` and "
                + "`level19` re-encode it with 1 MiB frames at that zstd level, as a cold tier may "
                + "(`tiered.<tier>.recompress`). Reads: the same sealed log written with those settings (µs per read, "
                + "frame cache on). MB/s counts raw log bytes.\n\n");
        s.append("| source → dest | cold archive | log | ms per move | MB/s | sealed range64k µs | sealed tail100 µs |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (JmhResult m : moves) {
            String size = m.param("logSize");
            double mbps = LogSize.parse(size) / 1e6 / (m.score() / 1000.0);
            String readSpec = switch (m.param("cold")) {
                case "level12" -> m.param("dest") + ":" + m.param("dest") + ".archive-level=12;" + m.param("dest") + ".archive-frame-size=1MiB";
                case "level19" -> m.param("dest") + ":" + m.param("dest") + ".archive-level=19;" + m.param("dest") + ".archive-frame-size=1MiB";
                default -> m.param("dest");
            };
            Optional<JmhResult> range = find("StoreReadBench.range64k", params("store", readSpec, "form", "sealed", "logSize", size));
            Optional<JmhResult> tail = find("StoreReadBench.tail100", params("store", readSpec, "form", "sealed", "logSize", size));
            s.append("| ").append(m.param("source")).append(" → ").append(m.param("dest")).append(" | ").append(m.param("cold"))
                    .append(" | ").append(size).append(" | ").append(ReportFormat.scoreWithError(m))
                    .append(" | ").append(String.format(java.util.Locale.ROOT, "%.0f", mbps))
                    .append(" | ").append(ReportFormat.scoreWithError(range.orElse(null)))
                    .append(" | ").append(ReportFormat.scoreWithError(tail.orElse(null))).append(" |\n");
            if (m.param("cold").equals("copy")) {
                targets.add(new String[] {m.param("source") + " → " + m.param("dest") + ": archival throughput ≥ 50 MB/s",
                    String.format(java.util.Locale.ROOT, "%.0f MB/s", mbps), mbps >= 50 ? "**met**" : "**missed**",
                    why("tier-move", m.param("source"))});
            }
        }
        return s.append('\n').toString();
    }

    /** Paging through a sealed log in 64 KiB steps against one streaming decompression (SealedPagingBench). */
    private String pagingSection() {
        if (results.stream().noneMatch(r -> r.benchmark().startsWith("SealedPagingBench."))) {
            return "";
        }
        StringBuilder s = new StringBuilder("## Paging through a sealed log (milliseconds per whole pass, lower is better)\n\n");
        s.append("A sealed log read start to end in 64 KiB steps by a store opened afresh for the pass, with its frame "
                + "cache on and off, against the whole archive decompressed once as one zstd stream into a 64 KiB buffer. "
                + "Pages: `one buffer` reads each page into one 64 KiB buffer (`readRange` into a buffer), as the stream "
                + "does and as a server streaming a log out would; `array each` makes an array per page (`readRange`). "
                + "Target: paging with the cache ≤ 1.3x the stream, judged like for like (one buffer).\n\n");
        s.append("| store | log | frame cache | pages | paging ms | stream ms | paging / stream |\n|---|---|---|---|---|---|---|\n");
        for (String store : stores) {
            for (String size : SIZES) {
                Optional<JmhResult> stream = find("SealedPagingBench.streamWholeArchive", params("store", store, "logSize", size));
                for (String cache : new String[] {"on", "off"}) {
                    double oneBuffer = Double.NaN;
                    double arrayEach = Double.NaN;
                    for (String method : new String[] {"pageThroughOneBuffer", "pageThrough"}) {
                        Optional<JmhResult> page = find("SealedPagingBench." + method, params("store", store, "logSize", size, "frameCache", cache));
                        if (page.isEmpty()) {
                            continue;
                        }
                        double ratio = stream.map(b -> page.get().score() / b.score()).orElse(Double.NaN);
                        if (method.equals("pageThrough")) {
                            arrayEach = ratio;
                        } else {
                            oneBuffer = ratio;
                        }
                        s.append("| ").append(store).append(" | ").append(size).append(" | ").append(cache)
                                .append(" | ").append(method.equals("pageThrough") ? "array each" : "one buffer")
                                .append(" | ").append(ReportFormat.scoreWithError(page.get()))
                                .append(" | ").append(ReportFormat.scoreWithError(stream.orElse(null)))
                                .append(" | ").append(ReportFormat.ratio(ratio)).append(" |\n");
                    }
                    if (cache.equals("on") && !(Double.isNaN(oneBuffer) && Double.isNaN(arrayEach))) {
                        // Results from before the one-buffer form existed are judged on the array form they measured.
                        double judged = Double.isNaN(oneBuffer) ? arrayEach : oneBuffer;
                        targets.add(new String[] {store + ": paging a sealed " + size + " log in 64 KiB steps ≤ 1.3x one streaming decompression",
                            "paging / stream " + ReportFormat.ratio(oneBuffer) + " into one buffer, "
                                + ReportFormat.ratio(arrayEach) + " with an array per page",
                            Double.isNaN(judged) ? "not measured" : judged <= PAGING_TARGET ? "**met**" : "**missed**", why("paging", store)});
                    }
                }
            }
        }
        return s.append('\n').toString();
    }

    /** Tails over 8 MiB chunks and refused tails against tails of the same answer over 4 KiB chunks (TailCostBench). */
    private String tailCostSection() {
        if (results.stream().noneMatch(r -> r.benchmark().equals("TailCostBench.tail"))) {
            return "";
        }
        StringBuilder s = new StringBuilder("## Tail cost follows the answer (milliseconds per tail, lower is better)\n\n");
        s.append("One 72 MiB log of 128-byte lines, stored in 4 KiB chunks or in 8 MiB chunks, open or sealed. `8MiB` and "
                + "`64MiB`: tails of that size; `over`: every line (72 MiB), which must be refused after reading at most the "
                + "64 MiB limit. \"8 MiB / 4 KiB\" compares the two chunkings for the same answer (target ≤ 2x); a refusal "
                + "is compared with the 64 MiB tail over 4 KiB chunks (target ≤ 2x).\n\n");
        for (String store : stores) {
            s.append("| store | form | answer | 4 KiB chunks ms | 8 MiB chunks ms | 8 MiB / 4 KiB | vs 64 MiB tail over 4 KiB chunks |\n");
            s.append("|---|---|---|---|---|---|---|\n");
            List<String> bigChunk = new ArrayList<>();
            List<String> refusals = new ArrayList<>();
            boolean bigMet = true;
            boolean refuseMet = true;
            boolean any = false;
            for (String form : new String[] {"open", "sealed"}) {
                Optional<JmhResult> ref64 = find("TailCostBench.tail", params("store", store, "form", form, "chunking", "4KiB", "answer", "64MiB"));
                for (String answer : new String[] {"8MiB", "64MiB", "over"}) {
                    Optional<JmhResult> small = find("TailCostBench.tail", params("store", store, "form", form, "chunking", "4KiB", "answer", answer));
                    Optional<JmhResult> big = find("TailCostBench.tail", params("store", store, "form", form, "chunking", "8MiB", "answer", answer));
                    if (small.isEmpty() && big.isEmpty()) {
                        continue;
                    }
                    any = true;
                    double ratio = small.isPresent() && big.isPresent() ? big.get().score() / small.get().score() : Double.NaN;
                    double vs64 = answer.equals("over") && ref64.isPresent() && big.isPresent() ? big.get().score() / ref64.get().score() : Double.NaN;
                    s.append("| ").append(store).append(" | ").append(form).append(" | ").append(answer)
                            .append(" | ").append(ReportFormat.scoreWithError(small.orElse(null)))
                            .append(" | ").append(ReportFormat.scoreWithError(big.orElse(null)))
                            .append(" | ").append(ReportFormat.ratio(ratio))
                            .append(" | ").append(answer.equals("over") ? ReportFormat.ratio(vs64) : "")
                            .append(" |\n");
                    if (!answer.equals("over") && !Double.isNaN(ratio)) {
                        bigChunk.add(form + " " + answer + " " + ReportFormat.ratio(ratio));
                        bigMet &= ratio <= TAIL_COST_TARGET;
                    }
                    if (answer.equals("over") && !Double.isNaN(vs64)) {
                        refusals.add(form + " " + ReportFormat.ratio(vs64));
                        refuseMet &= vs64 <= TAIL_COST_TARGET;
                    }
                }
            }
            s.append('\n');
            if (any) {
                targets.add(new String[] {store + ": a tail over 8 MiB chunks within 2x of the same tail over 4 KiB chunks",
                    bigChunk.isEmpty() ? "not measured" : String.join("; ", bigChunk),
                    bigChunk.isEmpty() ? "not measured" : bigMet ? "**met**" : "**missed**", why("tail-cost", store)});
                targets.add(new String[] {store + ": refusing an over-limit tail (72 MiB log, 8 MiB chunks) within 2x of a 64 MiB tail over 4 KiB chunks",
                    refusals.isEmpty() ? "not measured" : String.join("; ", refusals),
                    refusals.isEmpty() ? "not measured" : refuseMet ? "**met**" : "**missed**", why("tail-refusal", store)});
            }
        }
        return s.toString();
    }

    private String followSection() {
        StringBuilder s = new StringBuilder("## Follow latency (append start → chunk in the follower, milliseconds)\n\n");
        s.append("JMH SampleTime: every append is one sample. The writer appends in this JVM (`in-process`) or in a child "
                + "JVM told over a pipe (`child-process`, the follower learns of the append through the filesystem's "
                + "change notifications). Includes the append's durability wait: a chunk is published once acknowledged.\n\n");
        s.append("| store | durability | writer | samples | mean ± error | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (String store : stores) {
            List<String> p99s = new ArrayList<>();
            boolean met = true;
            boolean any = false;
            for (String d : DURABILITIES) {
                for (String w : new String[] {"in-process", "child-process"}) {
                    Optional<JmhResult> r = find("FollowLatencyBench.appendToFollower", params("store", store, "durability", d, "writer", w));
                    if (r.isEmpty()) {
                        continue;
                    }
                    JmhResult x = r.get();
                    double scale = unitToMillis(x.unit());
                    s.append("| ").append(store).append(" | ").append(d).append(" | ").append(w).append(" | ").append(x.samples())
                            .append(" | ").append(ReportFormat.number(x.score() * scale)).append(" ± ")
                            .append(ReportFormat.number(x.error() * scale));
                    for (double p : new double[] {50.0, 90.0, 99.0, 99.9, 100.0}) {
                        s.append(" | ").append(ReportFormat.number(x.percentile(p) * scale));
                    }
                    s.append(" |\n");
                    if (w.equals("in-process")) {
                        any = true;
                        double p99 = x.percentile(99.0) * scale;
                        p99s.add(d + " " + ReportFormat.number(p99) + " ms");
                        met &= p99 <= FOLLOW_P99_TARGET_MS;
                    }
                }
            }
            targets.add(new String[] {store + ": follow latency p99 ≤ 50 ms in process",
                any ? "p99 " + String.join(", ", p99s) : "not measured", any ? (met ? "**met**" : "**missed**") : "not measured",
                why("follow", store)});
            Optional<JmhResult> group = find("FollowLatencyBench.appendToFollower", params("store", store, "durability", "group", "writer", "in-process"));
            group.ifPresent(g -> {
                double p99 = g.percentile(99.0) * unitToMillis(g.unit());
                targets.add(new String[] {store + ": follow latency p99 ≤ 10 ms in process with group commit (the default)",
                    "p99 " + ReportFormat.number(p99) + " ms", p99 <= FOLLOW_GROUP_P99_TARGET_MS ? "**met**" : "**missed**",
                    why("follow-group", store)});
            });
        }
        return s.append('\n').toString();
    }

    private static double unitToMillis(String unit) {
        return switch (unit) {
            case "ns/op" -> 1e-6;
            case "us/op" -> 1e-3;
            case "ms/op" -> 1;
            case "s/op" -> 1e3;
            default -> Double.NaN;
        };
    }

    private String codecSection() {
        StringBuilder s = new StringBuilder("## Chunk compression: gzip against zstd (microseconds per chunk, lower is better)\n\n");
        s.append("JDK DEFLATE level 6 (gzip's default) against zstd level 3 (the stores' chunk level) on single chunks of "
                + "real logs. Sizes are in the compression report below.\n\n");
        s.append("| chunk | op | zstd -3 µs | gzip -6 µs | gzip / zstd | zstd MB/s |\n|---|---|---|---|---|---|\n");
        for (String chunk : new String[] {"4096", "65536"}) {
            for (String op : new String[] {"compressChunk", "decompressChunk"}) {
                Optional<JmhResult> z = find("ChunkCodecBench." + op, params("codec", "zstd-3", "chunkBytes", chunk));
                Optional<JmhResult> g = find("ChunkCodecBench." + op, params("codec", "gzip-6", "chunkBytes", chunk));
                if (z.isEmpty() && g.isEmpty()) {
                    continue;
                }
                s.append("| ").append(kib(Integer.parseInt(chunk))).append(" | ").append(op)
                        .append(" | ").append(ReportFormat.scoreWithError(z.orElse(null)))
                        .append(" | ").append(ReportFormat.scoreWithError(g.orElse(null)))
                        .append(" | ").append(ReportFormat.ratio(z.isPresent() && g.isPresent() ? g.get().score() / z.get().score() : Double.NaN))
                        .append(" | ").append(z.map(x -> ReportFormat.number(Integer.parseInt(chunk) / x.score())).orElse("—"))
                        .append(" |\n");
            }
        }
        return s.append('\n').toString();
    }

    private String compressionSection() {
        StringBuilder s = new StringBuilder("## Compression on the corpus\n\n");
        if (compression == null) {
            targets.add(new String[] {"sealed (archive) ratio ≥ 10.5x on the corpus, seekable", "not measured", "not measured"});
            return s.append("Not run in this profile.\n\n").toString();
        }
        s.append("Totals over every corpus log (raw bytes / stored bytes), and the spread of the per-log ratio. Store "
                + "sizes are `LogStat.storedBytes` (open: chunk file and index; sealed: the seekable archive). ")
                .append(compression.get("zstdVersion").asText()).append(".\n\n");
        s.append("| form | raw bytes | stored bytes | ratio | per-log min | median | max |\n|---|---|---|---|---|---|---|\n");
        for (JsonNode c : compression.get("columns")) {
            s.append("| ").append(c.get("name").asText()).append(" | ").append(String.format(Locale.ROOT, "%,d", c.get("rawBytes").asLong()))
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", c.get("storedBytes").asLong()))
                    .append(" | **").append(ReportFormat.ratio(c.get("ratio").asDouble())).append("**")
                    .append(" | ").append(ReportFormat.ratio(c.get("minLogRatio").asDouble()))
                    .append(" | ").append(ReportFormat.ratio(c.get("medianLogRatio").asDouble()))
                    .append(" | ").append(ReportFormat.ratio(c.get("maxLogRatio").asDouble())).append(" |\n");
        }
        s.append('\n');
        for (JsonNode check : compression.get("seekableChecks")) {
            s.append("- Seekable: ").append(check.asText()).append('\n');
        }
        if (compression.has("sealTimes")) {
            for (JsonNode t : compression.get("sealTimes")) {
                s.append("- Seal time: ").append(t.asText()).append('\n');
            }
        }
        s.append('\n');
        for (JsonNode c : compression.get("columns")) {
            String name = c.get("name").asText();
            if (!name.endsWith(" sealed (archive)")) {
                continue;
            }
            String store = name.substring(0, name.length() - " sealed (archive)".length());
            boolean seekable = false;
            for (JsonNode check : compression.get("seekableChecks")) {
                seekable |= check.asText().startsWith(store + " sealed:") && check.asText().endsWith("all byte-exact");
            }
            double ratio = c.get("ratio").asDouble();
            targets.add(new String[] {store + ": sealed (archive) ratio ≥ 10.5x on the corpus while staying seekable",
                ReportFormat.ratio(ratio) + (seekable ? ", random range reads byte-exact" : ", seekability check FAILED"),
                ratio >= SEALED_RATIO_TARGET && seekable ? "**met**"
                    : "**missed** (by " + ReportFormat.number((SEALED_RATIO_TARGET / ratio - 1) * 100) + "%: needs "
                    + ReportFormat.number((1 - ratio / SEALED_RATIO_TARGET) * 100) + "% fewer stored bytes)",
                why("sealed-ratio", store)});
        }
        dictionaryTarget();
        return s.toString();
    }

    /** The db store's open form with a dictionary trained from other logs, against the same store without one. */
    private void dictionaryTarget() {
        JsonNode with = null;
        JsonNode without = null;
        for (JsonNode c : compression.get("columns")) {
            String name = c.get("name").asText();
            with = name.equals(CompressionReport.DICTIONARY_COLUMN) ? c : with;
            without = name.equals("db open (4 KiB chunks)") ? c : without;
        }
        if (with == null || without == null) {
            return;
        }
        double gain = without.get("storedBytes").asDouble() / with.get("storedBytes").asDouble();
        targets.add(new String[] {"db: open logs with a dictionary trained from other logs ≥ 1.15x smaller than without",
            ReportFormat.ratio(gain) + " (" + ReportFormat.number(without.get("storedBytes").asDouble()) + " → "
                    + ReportFormat.number(with.get("storedBytes").asDouble()) + " bytes; each log compressed with the "
                    + "dictionary trained from the other half of the corpus)",
            gain >= 1.15 ? "**met**" : "**missed**", why("dictionary", "db")});
    }

    // ---- chart -----------------------------------------------------------------------------------------------

    private String chart() {
        SvgBarChart chart = new SvgBarChart("Stores against baselines, measured in the same run (log scales)");
        List<SvgBarChart.Bar> append = new ArrayList<>();
        for (JmhResult r : results) {
            String b = r.benchmark();
            String jobs = b.endsWith("jobs256") ? "256 jobs" : b.endsWith("jobs32") ? "32 jobs" : "1 job";
            if (b.startsWith("StoreAppendBench.")) {
                append.add(new SvgBarChart.Bar(r.param("durability") + " " + kib(Integer.parseInt(r.param("chunkBytes"))) + " " + jobs,
                        r.param("store"), r.score()));
            } else if (b.startsWith("FileAppendBaselineBench.")) {
                append.add(new SvgBarChart.Bar(r.param("durability") + " " + kib(Integer.parseInt(r.param("chunkBytes"))) + " " + jobs,
                        "plain file", r.score()));
            } else if (b.startsWith("SqliteAppendBaselineBench.")) {
                for (String d : DURABILITIES) {
                    if (sqliteSync(d).equals(r.param("synchronous"))) {
                        append.add(new SvgBarChart.Bar(d + " " + kib(Integer.parseInt(r.param("chunkBytes"))) + " " + jobs,
                                "SQLite " + r.param("layout"), r.score()));
                    }
                }
            }
        }
        append.sort((x, y) -> Integer.compare(groupOrder(x.group()), groupOrder(y.group())));
        chart.add(new SvgBarChart.Panel("Append throughput (ops/s, higher is better), by durability, chunk size and concurrent jobs",
                "appends per second", append));
        List<SvgBarChart.Bar> reads = new ArrayList<>();
        for (String op : new String[] {"range64k", "tail100"}) {
            for (String size : SIZES) {
                for (JmhResult r : results) {
                    if (r.benchmark().equals("StoreReadBench." + op) && r.param("logSize").equals(size)) {
                        reads.add(new SvgBarChart.Bar(op + " " + size, r.param("store") + " " + r.param("form"), r.score()));
                    } else if (r.benchmark().equals("DecompressSliceBaselineBench." + op) && r.param("logSize").equals(size)) {
                        reads.add(new SvgBarChart.Bar(op + " " + size, "decompress-then-slice", r.score()));
                    }
                }
            }
        }
        chart.add(new SvgBarChart.Panel("Reads (µs per read, lower is better), by operation and log size", "µs per read", reads));
        List<SvgBarChart.Bar> follow = new ArrayList<>();
        for (JmhResult r : results) {
            if (r.benchmark().equals("FollowLatencyBench.appendToFollower")) {
                follow.add(new SvgBarChart.Bar(r.param("store") + " " + r.param("durability") + " " + r.param("writer"),
                        "p50", r.percentile(50.0) * unitToMillis(r.unit())));
                follow.add(new SvgBarChart.Bar(r.param("store") + " " + r.param("durability") + " " + r.param("writer"),
                        "p99", r.percentile(99.0) * unitToMillis(r.unit())));
            }
        }
        chart.add(new SvgBarChart.Panel("Follow latency (ms, lower is better; target p99 ≤ 50 ms in process)", "milliseconds", follow));
        return chart.render();
    }

    private static int groupOrder(String group) {
        String[] p = group.split(" ");
        int d = List.of(DURABILITIES).indexOf(p[0]);
        int size = switch (p[1]) {
            case "512" -> 0;
            case "4" -> 1;
            default -> 2;
        };
        int jobs = group.endsWith("256 jobs") ? 2 : group.endsWith("32 jobs") ? 1 : 0;
        return d * 100 + size * 10 + jobs;
    }
}
