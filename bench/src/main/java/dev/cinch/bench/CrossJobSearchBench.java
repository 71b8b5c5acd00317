package dev.cinch.bench;

import com.github.luben.zstd.ZstdInputStream;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.text.SearchMatch;
import dev.cinch.logs.text.SearchOptions;
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

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Which jobs printed a rare string, over {@code totalMiB} of sealed logs ({@link SearchSet}): {@code filtered} asks
 * each log through the store's search, which reads only the archive frames whose trigram filters may hold the
 * string; {@code zstdgrep} is the baseline every peer's logs allow, decompressing every archive file whole and
 * scanning it ({@code zstdgrep -F}: zstd's stream decoder, then a byte search). Both must find exactly the one line;
 * score: time for the whole set, lower is better.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CrossJobSearchBench {
    @Param({"1024"})
    public int totalMiB;

    SearchSet set;
    LogStore store;
    private final byte[] literal = SearchSet.LITERAL.getBytes(StandardCharsets.US_ASCII);

    @Setup(Level.Trial)
    public void open() {
        set = SearchSet.load(totalMiB);
        store = set.open();
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    private static void expectOne(long found, String how) {
        if (found != 1) {
            throw new IllegalStateException(how + " found " + found + " matching lines, expected exactly 1");
        }
    }

    @Benchmark
    public long filtered() {
        SearchOptions options = SearchOptions.defaults().withFixedStrings(true);
        long found = 0;
        for (JobId job : set.jobs()) {
            try (Stream<SearchMatch> matches = store.search(job, SearchSet.LITERAL, options)) {
                found += matches.count();
            }
        }
        expectOne(found, "the filtered search");
        return found;
    }

    @Benchmark
    public long zstdgrep() throws IOException {
        byte[] buffer = new byte[1 << 20];
        long found = eachArchiveDecompressed(in -> countLines(in, buffer));
        expectOne(found, "decompress-and-scan");
        return found;
    }

    /**
     * Decompressing every archive and nothing else: the floor under any search that reads every log whole, however
     * fast its scan (grep -F's included).
     */
    @Benchmark
    public long decompressOnly() throws IOException {
        byte[] buffer = new byte[1 << 20];
        return eachArchiveDecompressed(in -> {
            long bytes = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                bytes += n;
            }
            return bytes;
        });
    }

    private interface StreamScan {
        long scan(InputStream in) throws IOException;
    }

    /** The sum of {@code scan} over every exported archive, each decompressed by zstd's stream decoder. */
    private long eachArchiveDecompressed(StreamScan scan) throws IOException {
        long sum = 0;
        for (JobId job : set.jobs()) {
            try (InputStream in = new ZstdInputStream(new BufferedInputStream(Files.newInputStream(set.archiveFile(job)), 1 << 16))) {
                sum += scan.scan(in);
            }
        }
        return sum;
    }

    /** Lines holding the literal (counted once per line, as grep -c), scanning the stream in buffer-sized pieces. */
    private long countLines(InputStream in, byte[] buffer) throws IOException {
        long lines = 0;
        int keep = 0; // bytes carried over: the unfinished end of the last piece, at most literal.length - 1
        boolean lineCounted = false;
        int n;
        while ((n = in.read(buffer, keep, buffer.length - keep)) > 0) {
            int end = keep + n;
            byte first = literal[0];
            for (int i = 0; i < end; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    lineCounted = false;
                } else if (b == first && !lineCounted && i + literal.length <= end && matchesAt(buffer, i)) {
                    lines++;
                    lineCounted = true;
                }
            }
            // The last literal.length - 1 bytes were too close to the end to start a match: scanned again with the next
            // piece (a match holds no \n, so one starting there cannot be on a line counted before a \n among them).
            keep = Math.min(literal.length - 1, end);
            System.arraycopy(buffer, end - keep, buffer, 0, keep);
        }
        return lines;
    }

    private boolean matchesAt(byte[] b, int at) {
        for (int k = 1; k < literal.length; k++) {
            if (b[at + k] != literal[k]) {
                return false;
            }
        }
        return true;
    }
}
