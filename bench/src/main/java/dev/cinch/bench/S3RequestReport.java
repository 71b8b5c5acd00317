package dev.cinch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.archive.ArrayByteSource;
import dev.cinch.logs.archive.SeekableArchiveReader;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the s3 store costs in requests and bytes (not a JMH benchmark: counts, not times; they do not depend on the
 * machine's speed, so one pass gives them exactly). Against S3Proxy on this machine, with a counter on the store's own
 * S3 client (every request sent, every response body byte received):
 * <ul>
 *   <li>appends: requests per appended MiB of corpus chunks, for each durability and chunk size, including the
 *       writer's lease and its renewals and the close that flushes the last buffer;</li>
 *   <li>reads of a 64 MiB log (by default) built from the corpus, open and sealed, frame cache off so every read pays:
 *       requests and response bytes per 64 KiB range, per last-100-lines and per page of 100 chunks;</li>
 *   <li>for each sealed 64 KiB read, the compressed size of the archive frames that range touches (from the archive's
 *       seek table), so the report can check that a read fetches only those frames once the index is cached.</li>
 * </ul>
 *
 * <p>Usage: {@code S3RequestReport <output.json> [--reads N] [--append-mib N] [--log-mib N]}.
 */
public final class S3RequestReport {
    private static final int DEFAULT_LOG_MIB = 64;
    private static final int CHUNK = 4096;

    /** Requests per appended MiB for one setting. */
    public record AppendRow(String durability, int chunkBytes, double appendedMiB, long requests, double requestsPerMiB) {
    }

    /** Cost of one kind of read, averaged over {@code reads} reads. */
    public record ReadRow(String form, String read, int reads, double requestsPerRead, double bytesPerRead,
                          double touchedFrameBytesPerRead, long maxBytesOverTouchedFrames, int maxFramesTouched) {
    }

    /** The whole report; {@code largestFrameBytes} and {@code indexBytes} describe the sealed log's archive. */
    public record Result(boolean realCorpus, int logMiB, long archiveBytes, int frames, long largestFrameBytes,
                         long indexBytes, long openMetadataRequests, long sealedOpenRequests, long sealedOpenBytes,
                         List<AppendRow> appends, List<ReadRow> reads) {
    }

    private S3RequestReport() {
    }

    public static void main(String[] args) throws Exception {
        Path output = Path.of(args[0]);
        int reads = 200;
        double appendMiB = 4;
        int logMiB = DEFAULT_LOG_MIB;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--reads" -> reads = Integer.parseInt(args[i + 1]);
                case "--append-mib" -> appendMiB = Double.parseDouble(args[i + 1]);
                case "--log-mib" -> logMiB = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        CorpusBytes corpus = CorpusBytes.load();
        List<AppendRow> appends = new ArrayList<>();
        List<ReadRow> readRows = new ArrayList<>();
        Result result;
        try (S3BenchServer server = new S3BenchServer()) {
            for (String durability : List.of("stored", "buffered")) {
                for (int chunkBytes : List.of(4096, 65536)) {
                    appends.add(appends(server, corpus, durability, chunkBytes, appendMiB));
                }
            }
            JobId open = JobId.of("requests-open");
            JobId sealed = JobId.of("requests-sealed");
            build(server, corpus, open, logMiB, false);
            build(server, corpus, sealed, logMiB, true);
            SplittableRandom random = new SplittableRandom(42);

            S3BenchServer.Counter counter = new S3BenchServer.Counter();
            try (LogStore store = server.open(Map.of("s3.frame-cache-size", "0"), counter)) {
                // Open log: this store takes the writer role, as the server holds it while the job runs.
                LogStat stat = store.stat(open);
                store.append(open, store.readChunks(open, stat.chunks() - 1, 1).get(0));
                counter.reset();
                store.readRange(open, 0, 1);
                long openMetadata = counter.requests.get();
                readRows.addAll(readRows(store, counter, open, "open", stat, null, random, reads));

                // Sealed log: what a reader pays to open the archive (footer, seek table, index), then per read.
                counter.reset();
                store.readRange(sealed, 0, 1);
                long sealedOpenRequests = counter.requests.get();
                long sealedOpenBytes = counter.bytes.get();
                ByteArrayOutputStream archive = new ByteArrayOutputStream();
                store.exportArchive(sealed, archive);
                SeekableArchiveReader frames = SeekableArchiveReader.open(new ArrayByteSource(archive.toByteArray()), sealed);
                long largest = 0;
                long dataBytes = 0;
                for (int f = 0; f < frames.frameCount(); f++) {
                    largest = Math.max(largest, frames.frameStoredSize(f));
                    dataBytes += frames.frameStoredSize(f);
                }
                readRows.addAll(readRows(store, counter, sealed, "sealed", store.stat(sealed), frames, random, reads));
                result = new Result(corpus.real(), logMiB, frames.archiveSize(), frames.frameCount(), largest,
                        frames.archiveSize() - dataBytes, openMetadata, sealedOpenRequests, sealedOpenBytes, appends, readRows);
            }
        }
        Files.createDirectories(output.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(output.toFile(), result);
        for (AppendRow a : appends) {
            System.out.printf("append %s %d B chunks: %.1f requests/MiB%n", a.durability(), a.chunkBytes(), a.requestsPerMiB());
        }
        for (ReadRow r : readRows) {
            System.out.printf("%s %s: %.2f requests/read, %.0f bytes/read (touched frames %.0f)%n", r.form(), r.read(),
                    r.requestsPerRead(), r.bytesPerRead(), r.touchedFrameBytesPerRead());
        }
        // S3Proxy runs on non-daemon threads until the JVM exits.
        System.exit(0);
    }

    private static AppendRow appends(S3BenchServer server, CorpusBytes corpus, String durability, int chunkBytes, double mib) {
        S3BenchServer.Counter counter = new S3BenchServer.Counter();
        ChunkFeed feed = corpus.feedForJob(chunkBytes, 0);
        JobId job = JobId.of("requests-append-" + durability + "-" + chunkBytes);
        long appended = 0;
        try (LogStore store = server.open(Map.of("s3.durability", durability), counter)) {
            long seq = 0;
            while (appended < mib * (1 << 20)) {
                byte[] data = feed.next();
                store.append(job, new LogChunk(seq++, LogStream.STDOUT, BuiltLogs.BASE_TIMESTAMP + seq, data));
                appended += data.length;
            }
        }
        double appendedMiB = appended / (double) (1 << 20);
        return new AppendRow(durability, chunkBytes, appendedMiB, counter.requests.get(), counter.requests.get() / appendedMiB);
    }

    /** A log of {@code mib} MiB from the corpus in 4 KiB chunks, with big buffered segments (building is setup). */
    private static void build(S3BenchServer server, CorpusBytes corpus, JobId job, int mib, boolean seal) {
        try (LogStore builder = server.open(Map.of("s3.durability", "buffered", "s3.segment-size", "4MiB"),
                new S3BenchServer.Counter())) {
            ChunkFeed feed = corpus.feed(CHUNK, 0);
            long seq = 0;
            for (long n = 0; n < (long) mib << 20; n += CHUNK) {
                builder.append(job, new LogChunk(seq++, LogStream.STDOUT, BuiltLogs.BASE_TIMESTAMP + seq, feed.next()));
            }
            if (seal) {
                builder.seal(job);
            }
        }
    }

    private static List<ReadRow> readRows(LogStore store, S3BenchServer.Counter counter, JobId job, String form,
            LogStat stat, SeekableArchiveReader frames, SplittableRandom random, int reads) {
        List<ReadRow> rows = new ArrayList<>();
        long requests = 0;
        long bytes = 0;
        long touched = 0;
        long worstExcess = Long.MIN_VALUE;
        int maxFrames = 0;
        for (int i = 0; i < reads; i++) {
            long offset = random.nextLong(stat.rawBytes() - StoreReadBench.RANGE_BYTES);
            counter.reset();
            store.readRange(job, offset, StoreReadBench.RANGE_BYTES);
            requests += counter.requests.get();
            bytes += counter.bytes.get();
            if (frames != null) {
                int first = frames.frameAt(offset);
                int last = frames.frameAt(offset + StoreReadBench.RANGE_BYTES - 1);
                long frameBytes = 0;
                for (int f = first; f <= last; f++) {
                    frameBytes += frames.frameStoredSize(f);
                }
                touched += frameBytes;
                worstExcess = Math.max(worstExcess, counter.bytes.get() - frameBytes);
                maxFrames = Math.max(maxFrames, last - first + 1);
            }
        }
        rows.add(new ReadRow(form, "range64k", reads, requests / (double) reads, bytes / (double) reads,
                frames == null ? 0 : touched / (double) reads, frames == null ? 0 : worstExcess, maxFrames));
        rows.add(measure(reads, counter, form, "tail100", () -> store.readTailLines(job, StoreReadBench.TAIL_LINES)));
        rows.add(measure(reads, counter, form, "pageFromSeq", () -> store.readChunks(job,
                random.nextLong(stat.chunks() - StoreReadBench.PAGE_CHUNKS), StoreReadBench.PAGE_CHUNKS)));
        if (frames != null) {
            // A search for a string the log lacks: once the reader holds the filters (the first search fetches them),
            // a search fetches the frames the filters leave (a trigram filter has false positives) and nothing else but
            // the seal pointer. The frame cache is off here, so every search fetches them again. An open log has no
            // filters and would be read whole: not measured.
            byte[] literal = SearchSet.LITERAL.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.util.BitSet left = frames.framesThatMayContain(literal).orElseThrow(
                    () -> new IllegalStateException("the sealed archive has no search filters"));
            long leftBytes = 0;
            for (int f = left.nextSetBit(0); f >= 0; f = left.nextSetBit(f + 1)) {
                leftBytes += frames.frameStoredSize(f);
            }
            dev.cinch.logs.text.SearchOptions fixed = dev.cinch.logs.text.SearchOptions.defaults().withFixedStrings(true);
            Runnable search = () -> {
                try (java.util.stream.Stream<dev.cinch.logs.text.SearchMatch> m = store.search(job, SearchSet.LITERAL, fixed)) {
                    if (m.count() != 0) {
                        throw new IllegalStateException("the corpus log holds '" + SearchSet.LITERAL + "'");
                    }
                }
            };
            search.run();
            long searchRequests = 0;
            long searchBytes = 0;
            long searchExcess = Long.MIN_VALUE;
            for (int i = 0; i < reads; i++) {
                counter.reset();
                search.run();
                searchRequests += counter.requests.get();
                searchBytes += counter.bytes.get();
                searchExcess = Math.max(searchExcess, counter.bytes.get() - leftBytes);
            }
            rows.add(new ReadRow(form, "searchAbsent", reads, searchRequests / (double) reads, searchBytes / (double) reads,
                    leftBytes, searchExcess, left.cardinality()));
        }
        return rows;
    }

    private static ReadRow measure(int reads, S3BenchServer.Counter counter, String form, String read, Runnable op) {
        counter.reset();
        for (int i = 0; i < reads; i++) {
            op.run();
        }
        return new ReadRow(form, read, reads, counter.requests.get() / (double) reads, counter.bytes.get() / (double) reads,
                0, 0, 0);
    }
}
