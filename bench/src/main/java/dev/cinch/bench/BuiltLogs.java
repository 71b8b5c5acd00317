package dev.cinch.bench;

import com.github.luben.zstd.ZstdOutputStream;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Big logs for the read benchmarks, built by concatenating corpus logs (wrapping around) in {@value #CHUNK_BYTES}
 * byte chunks, the size a worker typically flushes. Building a 1 GiB log takes a while, so built logs are kept in
 * {@link BenchDirs#cacheRoot()} keyed by store, corpus fingerprint and size, and reused by later trials and runs.
 * A cached log is trusted only when its stat matches exactly what would be built (size, sealed or not).
 */
final class BuiltLogs {
    static final int CHUNK_BYTES = 4096;
    static final long BASE_TIMESTAMP = 1_795_000_000_000L;

    private BuiltLogs() {
    }

    /** The store's data folder holding the built logs of this corpus. */
    static Path storeDataDir(String store, CorpusBytes corpus) {
        return BenchDirs.cacheRoot().resolve(store.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + corpus.tag());
    }

    static JobId jobFor(String size, boolean sealed) {
        return JobId.of("built-" + size + (sealed ? "-sealed" : "-open"));
    }

    /** Makes sure {@code store} holds the log of {@code size} in the given form; returns its job id. */
    static JobId ensure(LogStore store, CorpusBytes corpus, String size, boolean sealed) {
        JobId job = jobFor(size, sealed);
        long bytes = LogSize.parse(size);
        if (store.exists(job)) {
            LogStat stat = store.stat(job);
            if (stat.rawBytes() == bytes && stat.sealed() == sealed) {
                return job;
            }
            store.delete(job);
        }
        ChunkFeed feed = corpus.feed(CHUNK_BYTES, 0);
        long seq = 0;
        for (long written = 0; written < bytes; written += CHUNK_BYTES) {
            byte[] data = feed.next((int) Math.min(CHUNK_BYTES, bytes - written));
            // Alternate streams now and then, as builds do, so stream boundaries exist in the index.
            LogStream stream = seq % 64 == 63 ? LogStream.STDERR : LogStream.STDOUT;
            store.append(job, new LogChunk(seq, stream, BASE_TIMESTAMP + seq * 10, data));
            seq++;
        }
        if (sealed) {
            store.seal(job);
        }
        return job;
    }

    /** The same log compressed whole as one zstd stream (level 3): the decompress-then-slice baseline's input. */
    static Path ensureWholeZstd(CorpusBytes corpus, String size) {
        Path file = BenchDirs.cacheRoot().resolve("whole-" + corpus.tag()).resolve(size + ".zst");
        if (Files.exists(file)) {
            return file;
        }
        long bytes = LogSize.parse(size);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), size, ".tmp");
            try (OutputStream out = new ZstdOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), 3)) {
                ChunkFeed feed = corpus.feed(CHUNK_BYTES, 0);
                for (long written = 0; written < bytes; written += CHUNK_BYTES) {
                    out.write(feed.next((int) Math.min(CHUNK_BYTES, bytes - written)));
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
