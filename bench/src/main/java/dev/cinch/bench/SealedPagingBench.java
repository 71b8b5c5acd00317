package dev.cinch.bench;

import com.github.luben.zstd.ZstdInputStream;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Paging through a whole sealed log in 64 KiB steps, start to end, as a UI scrolls or a client downloads in pieces,
 * against decompressing the same archive once as one stream (the least work there is). With the store's frame cache
 * each frame is decompressed once (target: paging ≤ 1.3x the stream); with it off ({@code frameCache=off}, the store
 * before the cache existed) each 64 KiB read decompresses its whole frame again.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(jvmArgsAppend = {SealedPagingBench.HEAP_MIN, SealedPagingBench.HEAP_MAX, SealedPagingBench.PRE_TOUCH})
public class SealedPagingBench {
    static final int STEP = 64 << 10;
    /**
     * The @Fork arguments above: a fixed heap, touched before the run ({@link Profile#PRE_TOUCHED_HEAP} says why and
     * passes them to runs that set their own arguments).
     */
    static final String HEAP_MIN = "-Xms2g";
    static final String HEAP_MAX = "-Xmx2g";
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    /** The sealed log, built once per store and corpus (see {@link BuiltLogs}), and its archive in memory. */
    @State(Scope.Benchmark)
    public static class Log {
        @Param({"fs"})
        public String store;

        @Param({"64MiB"})
        public String logSize;

        Path dataDir;
        JobId job;
        long rawBytes;
        byte[] archive;

        @Setup(Level.Trial)
        public void build() {
            CorpusBytes corpus = CorpusBytes.load();
            dataDir = BuiltLogs.storeDataDir(store, corpus);
            try (LogStore built = StoreSpec.parse(store, "none").open(dataDir)) {
                job = BuiltLogs.ensure(built, corpus, logSize, true);
                LogStat stat = built.stat(job);
                rawBytes = stat.rawBytes();
                ByteArrayOutputStream out = new ByteArrayOutputStream((int) stat.storedBytes());
                built.exportArchive(job, out);
                archive = out.toByteArray();
            }
        }
    }

    /**
     * The store reading it, with its frame cache on (the default) or off, opened afresh for each pass: a pass pays for
     * every frame it decompresses, as the first reader of a log does. (Kept open across passes, the 64 MiB default
     * cache held the whole log after the first, and the passes measured were cache hits.)
     */
    @State(Scope.Benchmark)
    public static class Reader {
        @Param({"on", "off"})
        public String frameCache;

        LogStore logStore;

        @Setup(Level.Invocation)
        public void open(Log log) {
            StoreSpec spec = StoreSpec.parse(log.store, "none");
            if (frameCache.equals("off")) {
                Map<String, String> settings = new java.util.HashMap<>(spec.extraSettings());
                settings.put(spec.name() + ".frame-cache-size", "0");
                spec = new StoreSpec(spec.name(), spec.durability(), settings);
            }
            logStore = spec.open(log.dataDir);
        }

        @TearDown(Level.Invocation)
        public void close() {
            logStore.close();
        }
    }

    @Benchmark
    public long pageThrough(Log log, Reader reader) {
        long total = 0;
        for (long at = 0; at < log.rawBytes; at += STEP) {
            total += reader.logStore.readRange(log.job, at, STEP).length;
        }
        if (total != log.rawBytes) {
            throw new IllegalStateException("paged " + total + " of " + log.rawBytes + " bytes");
        }
        return total;
    }

    /**
     * The same pages read into one 64 KiB buffer, as a server streaming a log out does, and as the baseline below
     * decompresses into one buffer: the like-for-like comparison, without an array per page.
     */
    @Benchmark
    public long pageThroughOneBuffer(Log log, Reader reader, Page page) {
        long total = 0;
        for (long at = 0; at < log.rawBytes; at += STEP) {
            total += reader.logStore.readRange(log.job, at, page.buffer, 0, STEP);
        }
        if (total != log.rawBytes) {
            throw new IllegalStateException("paged " + total + " of " + log.rawBytes + " bytes");
        }
        return total;
    }

    /** The page buffer of {@link #pageThroughOneBuffer}. */
    @State(Scope.Thread)
    public static class Page {
        final byte[] buffer = new byte[STEP];
    }

    /** The baseline: the whole archive decompressed once, as one stream, into a 64 KiB buffer. */
    @Benchmark
    public long streamWholeArchive(Log log) throws IOException {
        long total = 0;
        byte[] buffer = new byte[STEP];
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(log.archive))) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        }
        if (total != log.rawBytes) {
            throw new IllegalStateException("the stream gave " + total + " of " + log.rawBytes + " bytes");
        }
        return total;
    }
}
