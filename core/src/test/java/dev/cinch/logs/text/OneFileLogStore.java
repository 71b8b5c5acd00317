package dev.cinch.logs.text;

import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogCheck;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A read-only store holding one job's log in one plain file: enough of a {@link LogStore} for what a search uses
 * (stat and readRange), with the reads it served recorded, so a test can see how the log was read. The backends'
 * own stores run the search in the contract suite.
 */
final class OneFileLogStore implements LogStore {
    private final JobId job;
    private final Path file;
    final List<long[]> reads = new ArrayList<>();

    OneFileLogStore(JobId job, Path file) {
        this.job = job;
        this.file = file;
    }

    @Override
    public String name() {
        return "one-file";
    }

    private long size(JobId j) {
        if (!j.equals(job)) {
            throw new LogNotFoundException(j);
        }
        try {
            return java.nio.file.Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] readRange(JobId j, long offset, int length) {
        long size = size(j);
        if (offset < 0 || offset > size || length < 0 || length > MAX_READ_BYTES) {
            throw new InvalidRangeException(j, "offset " + offset + ", length " + length);
        }
        int n = (int) Math.min(length, size - offset);
        reads.add(new long[] {offset, n});
        ByteBuffer buf = ByteBuffer.allocate(n);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new IllegalStateException("file shrank");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.array();
    }

    @Override
    public LogStat stat(JobId j) {
        return new LogStat(j, 1, size(j), size(j), true, 0, name(), 0);
    }

    @Override
    public boolean exists(JobId j) {
        return j.equals(job);
    }

    @Override
    public void close() {
    }

    // ---- not needed by a search ----

    @Override
    public void append(JobId j, LogChunk chunk) {
        throw new UnsupportedOperationException();
    }

    @Override
    public LogWriter openWriter(JobId j) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void seal(JobId j) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<LogChunk> readChunks(JobId j, long fromSeq, int maxChunks) {
        throw new UnsupportedOperationException();
    }

    @Override
    public byte[] readTailLines(JobId j, int lines) {
        throw new UnsupportedOperationException();
    }

    @Override
    public byte[] readLines(JobId j, long fromLine, int count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public LogCheck verify(JobId j) {
        throw new UnsupportedOperationException();
    }

    @Override
    public LogFollower follow(JobId j, long fromSeq) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void delete(JobId j) {
        throw new UnsupportedOperationException();
    }

    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void exportArchive(JobId j, OutputStream out) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void importArchive(JobId j, InputStream archive) {
        throw new UnsupportedOperationException();
    }
}
