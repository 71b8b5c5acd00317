package dev.cinch.logs.tiered;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.LogStoreIOException;
import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.archive.SeekableArchiveWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The data path of a move between tiers: one sealed log from a source store into a destination store's import,
 * through a 1 MiB pipe, so memory stays bounded whatever the log's size. The archive goes as stored, or re-encoded
 * with the destination's archive options from the source's verified chunks, one page at a time. The destination's
 * import verifies everything before the copy becomes visible; a failure on either side fails the copy, naming the
 * job, and leaves nothing visible in the destination.
 */
public final class ArchiveTransfer implements AutoCloseable {
    private static final int PIPE_BYTES = 1 << 20;

    private final ExecutorService exporter = Executors.newCachedThreadPool(Archiver.daemon("cinch-archive-export"));

    /** {@code dest}'s archive options when they differ from {@code source}'s (re-encode), else empty (copy as is). */
    public static Optional<ArchiveOptions> reencodeOptions(LogStore source, LogStore dest) {
        Optional<ArchiveOptions> want = dest.archiveOptions();
        return want.isEmpty() || want.equals(source.archiveOptions()) ? Optional.empty() : want;
    }

    /** Copies the sealed log of {@code job} from {@code source} into {@code dest}, re-encoded when {@code reencode} is set. */
    public void copy(JobId job, LogStore source, LogStore dest, Optional<ArchiveOptions> reencode) {
        PipedInputStream in = new PipedInputStream(PIPE_BYTES);
        Future<?> export;
        try {
            PipedOutputStream out = new PipedOutputStream(in);
            export = exporter.submit(() -> {
                try (out) {
                    if (reencode.isPresent()) {
                        reencode(job, source, out, reencode.get());
                    } else {
                        source.exportArchive(job, out);
                    }
                }
                return null;
            });
        } catch (IOException e) {
            throw new LogStoreIOException(job, "archive move", e);
        }
        RuntimeException importFailure = null;
        try {
            dest.importArchive(job, in);
        } catch (RuntimeException e) {
            importFailure = e;
        } finally {
            try {
                in.close(); // an exporter still writing fails at once instead of blocking on a full pipe
            } catch (IOException ignored) {
                // closing a pipe's read end does not fail
            }
        }
        try {
            export.get();
        } catch (ExecutionException e) {
            // The export's failure (damage in the source, a failed read) explains the import's (a stream cut short),
            // unless the import failed first and the export only met the pipe it closed.
            Throwable cause = e.getCause();
            boolean onlyTheClosedPipe = importFailure != null && cause instanceof IOException;
            if (!onlyTheClosedPipe) {
                throw cause instanceof RuntimeException r ? r
                        : new LogStoreIOException(job, "archive export", new IOException(cause.toString(), cause));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogStoreIOException(job, "archive move", e);
        }
        if (importFailure != null) {
            throw importFailure;
        }
    }

    private static void reencode(JobId job, LogStore source, OutputStream out, ArchiveOptions options) throws IOException {
        BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        try (SeekableArchiveWriter writer = new SeekableArchiveWriter(buffered, options)) {
            // Pages of about 4 MiB whatever the chunk size, so a move's heap stays small next to the pipe.
            dev.cinch.logs.LogStat stat = source.stat(job);
            int perPage = (int) Math.max(1, Math.min(LogStore.MAX_PAGE_CHUNKS,
                    stat.chunks() == 0 ? 1 : (4L << 20) / Math.max(1, stat.rawBytes() / stat.chunks())));
            long seq = 0;
            while (true) {
                List<LogChunk> page = source.readChunks(job, seq, perPage);
                if (page.isEmpty()) {
                    break;
                }
                for (LogChunk c : page) {
                    writer.addChunk(c.stream(), c.timestampMillis(), c.data());
                }
                seq += page.size();
            }
            writer.finish();
        }
        buffered.flush();
    }

    @Override
    public void close() {
        exporter.shutdownNow();
    }
}
