package dev.cinch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.db.DictionaryTrainer;
import dev.cinch.logs.testkit.Corpus;
import dev.cinch.sql.Database;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.Deflater;

/**
 * The compression report (not a JMH benchmark: sizes, not times). For every corpus log: raw bytes; bytes stored by
 * each store with the log open (chunks of {@value #CHUNK_BYTES} bytes) and sealed ({@code LogStat.storedBytes});
 * the real {@code zstd -3} and {@code zstd -19} commands on the whole log; and each chunk compressed alone with
 * zstd level 3 (no dictionary) and gzip level 6. Sealed logs are also checked to still answer random range reads
 * byte-exactly (seekable). Only totals and spreads are written, never anything of the logs themselves.
 *
 * <p>Usage: {@code CompressionReport <output.json> [store ...]} (stores default to {@code fs}); a store may carry
 * settings to compare, as in {@code fs:fs.archive-level=19} (see {@link StoreSpec#parse}).
 */
public final class CompressionReport {
    static final int CHUNK_BYTES = 4096;
    /** The db store's open form with a dictionary trained from other logs of the corpus; see ReportMain. */
    static final String DICTIONARY_COLUMN = "db open (4 KiB chunks), dictionary trained from the other half of the corpus";

    /** Byte totals over the corpus, and the spread of the per-log ratio. */
    public record Column(String name, long rawBytes, long storedBytes, double ratio, double minLogRatio,
                         double medianLogRatio, double maxLogRatio) {
        static Column of(String name, long[] raw, long[] stored) {
            long r = Arrays.stream(raw).sum();
            long s = Arrays.stream(stored).sum();
            double[] perLog = new double[raw.length];
            for (int i = 0; i < raw.length; i++) {
                perLog[i] = stored[i] == 0 ? 0 : (double) raw[i] / stored[i];
            }
            Arrays.sort(perLog);
            return new Column(name, r, s, s == 0 ? 0 : (double) r / s, perLog[0], perLog[perLog.length / 2],
                    perLog[perLog.length - 1]);
        }
    }

    /** The whole report. */
    public record Result(boolean realCorpus, int logs, int chunkBytes, List<Column> columns, List<String> seekableChecks,
                         List<String> sealTimes, String zstdVersion) {
    }

    private CompressionReport() {
    }

    public static void main(String[] args) throws Exception {
        Path output = Path.of(args[0]);
        List<String> stores = new ArrayList<>(List.of(args).subList(1, args.length));
        int maxLogs = Integer.MAX_VALUE;
        if (stores.size() >= 2 && stores.get(0).equals("--max-logs")) {
            maxLogs = Integer.parseInt(stores.get(1)); // the smoke pass only checks that the report still works
            stores = stores.subList(2, stores.size());
        }
        if (stores.isEmpty()) {
            stores = List.of("fs");
        }
        List<Corpus.Log> all = Corpus.load();
        List<Corpus.Log> logs = all.subList(0, Math.min(maxLogs, all.size()));
        int n = logs.size();
        long[] raw = logs.stream().mapToLong(l -> l.bytes().length).toArray();
        List<Column> columns = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        List<String> sealTimes = new ArrayList<>();
        for (String store : stores) {
            StoreSpec spec = StoreSpec.parse(store, "none");
            long[][] sizes = storeSizes(spec, logs, checks, sealTimes);
            columns.add(Column.of(spec.label() + " open (4 KiB chunks)", raw, sizes[0]));
            columns.add(Column.of(spec.label() + " sealed (archive)", raw, sizes[1]));
        }
        if (stores.contains("db") && n >= 4) {
            columns.add(Column.of(DICTIONARY_COLUMN, raw, withDictionaryFromOtherLogs(logs)));
        }
        columns.add(Column.of("zstd -3, whole log (command)", raw, commandSizes(logs, "-3")));
        columns.add(Column.of("zstd -19, whole log (command)", raw, commandSizes(logs, "-19")));
        columns.add(Column.of("zstd -3 per 4 KiB chunk, no dictionary", raw, perChunk(logs, true)));
        columns.add(Column.of("gzip -6 per 4 KiB chunk", raw, perChunk(logs, false)));
        Result result = new Result(Corpus.isReal(), n, CHUNK_BYTES, columns, checks, sealTimes, zstdVersion());
        Files.createDirectories(output.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(output.toFile(), result);
        for (Column c : columns) {
            System.out.printf("%-45s raw %,d stored %,d ratio %.2fx%n", c.name(), c.rawBytes(), c.storedBytes(), c.ratio());
        }
        // An s3 store's S3Proxy (BenchTargets) runs on non-daemon threads until the JVM exits.
        System.exit(0);
    }

    /** [open stored bytes per log, sealed stored bytes per log] for one store, with a seekability check per log. */
    private static long[][] storeSizes(StoreSpec spec, List<Corpus.Log> logs, List<String> checks, List<String> sealTimes) {
        long[] open = new long[logs.size()];
        long[] sealed = new long[logs.size()];
        Path dir = BenchDirs.newScratch("compression-" + spec.name());
        SplittableRandom random = new SplittableRandom(7);
        int failures = 0;
        long sealNanos = 0;
        long rawTotal = 0;
        try (LogStore s = spec.open(dir)) {
            for (int i = 0; i < logs.size(); i++) {
                byte[] bytes = logs.get(i).bytes();
                JobId job = JobId.of("log-" + i);
                appendInChunks(s, job, bytes);
                open[i] = s.stat(job).storedBytes();
                long start = System.nanoTime();
                s.seal(job);
                sealNanos += System.nanoTime() - start;
                rawTotal += bytes.length;
                sealed[i] = s.stat(job).storedBytes();
                for (int k = 0; k < 20 && bytes.length > 0; k++) {
                    long offset = random.nextLong(bytes.length);
                    int length = (int) Math.min(64 << 10, bytes.length - offset);
                    byte[] got = s.readRange(job, offset, length);
                    if (!Arrays.equals(got, Arrays.copyOfRange(bytes, (int) offset, (int) offset + length))) {
                        failures++;
                    }
                }
            }
        } finally {
            BenchDirs.deleteTree(dir);
        }
        sealTimes.add(String.format(java.util.Locale.ROOT, "%s: sealing %d logs (%.1f MB) took %.2f s, %.1f MB/s (one run, wall clock, includes fsyncs)",
                spec.label(), logs.size(), rawTotal / 1e6, sealNanos / 1e9, rawTotal / 1e6 / (sealNanos / 1e9)));
        checks.add(spec.label() + " sealed: " + logs.size() * 20 + " random 64 KiB range reads on archived logs, "
                + (failures == 0 ? "all byte-exact" : failures + " WRONG"));
        return new long[][] {open, sealed};
    }

    /**
     * Open sizes in the db store (SQLite) with a chunk dictionary trained the way a deployment trains one (from its
     * own sealed logs, {@code DictionaryTrainer}), never from the log it compresses: two folds, each log appended
     * with the dictionary trained from the other half of the corpus (the halves interleaved, so both hold every kind
     * of log). Compare with the {@code db open} column: the same store and chunks without a dictionary.
     */
    private static long[] withDictionaryFromOtherLogs(List<Corpus.Log> logs) {
        long[] open = new long[logs.size()];
        for (int fold = 0; fold < 2; fold++) {
            Path dir = BenchDirs.newScratch("dictionary-fold-" + fold);
            StoreSpec spec = new StoreSpec("db", "none", Map.of("db.dictionary-min-logs", "0"));
            try {
                try (LogStore s = spec.open(dir)) {
                    for (int i = 0; i < logs.size(); i++) {
                        if (i % 2 != fold) {
                            JobId job = JobId.of("train-" + i);
                            appendInChunks(s, job, logs.get(i).bytes());
                            s.seal(job);
                        }
                    }
                }
                CinchConfig config = CinchConfig.of(Map.of(CinchConfig.DATA_DIR, dir.toString()));
                try (Database db = Database.open(config)) {
                    if (DictionaryTrainer.train(db, config).isEmpty()) {
                        throw new IllegalStateException("no dictionary could be trained from half the corpus");
                    }
                }
                try (LogStore s = spec.open(dir)) { // a new instance starts with the newest dictionary
                    for (int i = 0; i < logs.size(); i++) {
                        if (i % 2 == fold) {
                            JobId job = JobId.of("log-" + i);
                            appendInChunks(s, job, logs.get(i).bytes());
                            open[i] = s.stat(job).storedBytes();
                        }
                    }
                }
            } finally {
                BenchDirs.deleteTree(dir);
            }
        }
        return open;
    }

    private static void appendInChunks(LogStore s, JobId job, byte[] bytes) {
        long seq = 0;
        for (int at = 0; at < bytes.length; at += CHUNK_BYTES) {
            byte[] chunk = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + CHUNK_BYTES));
            s.append(job, new LogChunk(seq++, LogStream.STDOUT, BuiltLogs.BASE_TIMESTAMP + seq, chunk));
        }
        if (bytes.length == 0) {
            s.append(job, new LogChunk(0, LogStream.STDOUT, BuiltLogs.BASE_TIMESTAMP, new byte[0]));
        }
    }

    private static long[] commandSizes(List<Corpus.Log> logs, String level) throws IOException, InterruptedException {
        long[] sizes = new long[logs.size()];
        for (int i = 0; i < logs.size(); i++) {
            sizes[i] = zstdCommand(logs.get(i).bytes(), level);
        }
        return sizes;
    }

    /** Pipes {@code bytes} through the zstd command and counts what it writes; nothing touches the disk. */
    private static long zstdCommand(byte[] bytes, String level) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("zstd", level, "-q", "-c").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread feeder = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        feeder.start();
        long count;
        try (InputStream out = p.getInputStream()) {
            count = out.transferTo(OutputStream.nullOutputStream());
        }
        feeder.join();
        if (p.waitFor() != 0) {
            throw new IOException("zstd " + level + " failed with exit code " + p.exitValue());
        }
        return count;
    }

    private static long[] perChunk(List<Corpus.Log> logs, boolean zstd) {
        long[] sizes = new long[logs.size()];
        byte[] buffer = new byte[CHUNK_BYTES * 2 + 1024];
        try (ZstdCompressCtx ctx = new ZstdCompressCtx().setLevel(3)) {
            Deflater deflater = new Deflater(6);
            try {
                for (int i = 0; i < logs.size(); i++) {
                    byte[] bytes = logs.get(i).bytes();
                    for (int at = 0; at < bytes.length; at += CHUNK_BYTES) {
                        byte[] chunk = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + CHUNK_BYTES));
                        sizes[i] += zstd ? ctx.compress(chunk).length : gzipSize(deflater, chunk, buffer);
                    }
                }
            } finally {
                deflater.end();
            }
        }
        return sizes;
    }

    /** DEFLATE size plus gzip's 18-byte header and trailer. */
    private static long gzipSize(Deflater deflater, byte[] chunk, byte[] buffer) {
        deflater.reset();
        deflater.setInput(chunk);
        deflater.finish();
        long size = 18;
        while (!deflater.finished()) {
            size += deflater.deflate(buffer);
        }
        return size;
    }

    private static String zstdVersion() {
        try {
            Process p = new ProcessBuilder("zstd", "--version").redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            p.waitFor();
            return out.toString().strip();
        } catch (IOException e) {
            throw new UncheckedIOException("the zstd command is needed for the compression report", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
