package dev.cinch.logs.tiered;

import dev.cinch.logs.ForwardingLogStore;
import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogCheck;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.archive.ArchiveOptions;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One tier's store as the tiered store and its archiver use it: every call goes to the tier's own store, and every
 * error it raises names the tier ({@link LogStoreException#inTier}), so an operator reading "job J (tier 'hdd'):
 * frame at offset N fails its checksum" knows which disk or bucket to look at. Two tiers of one backend (an SSD and an
 * HDD {@code fs}) would otherwise give the same message. Writers and followers it returns name the tier too.
 */
final class TierStore implements LogStore {
    private final String tier;
    private final LogStore store;

    TierStore(String tier, LogStore store) {
        this.tier = tier;
        this.store = store;
    }

    private <T> T at(Supplier<T> op) {
        try {
            return op.get();
        } catch (LogStoreException e) {
            throw e.inTier(tier);
        }
    }

    private void at(Runnable op) {
        try {
            op.run();
        } catch (LogStoreException e) {
            throw e.inTier(tier);
        }
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public void append(JobId job, LogChunk chunk) {
        at(() -> store.append(job, chunk));
    }

    @Override
    public LogWriter openWriter(JobId job) {
        LogWriter writer = at(() -> store.openWriter(job));
        return new ForwardingLogStore.ForwardingLogWriter(writer) {
            @Override
            public void append(LogStream stream, long timestampMillis, byte[] data, int off, int len) {
                at(() -> writer.append(stream, timestampMillis, data, off, len));
            }

            @Override
            public void close() {
                at(writer::close);
            }
        };
    }

    @Override
    public void seal(JobId job) {
        at(() -> store.seal(job));
    }

    @Override
    public List<LogChunk> readChunks(JobId job, long fromSeq, int maxChunks) {
        return at(() -> store.readChunks(job, fromSeq, maxChunks));
    }

    @Override
    public byte[] readRange(JobId job, long offset, int length) {
        return at(() -> store.readRange(job, offset, length));
    }

    @Override
    public byte[] readTailLines(JobId job, int lines) {
        return at(() -> store.readTailLines(job, lines));
    }

    @Override
    public byte[] readLines(JobId job, long fromLine, int count) {
        return at(() -> store.readLines(job, fromLine, count));
    }

    @Override
    public java.util.List<dev.cinch.logs.LogRange> rangesThatMayContain(JobId job, byte[] literal) {
        return at(() -> store.rangesThatMayContain(job, literal));
    }

    @Override
    public LogStat stat(JobId job) {
        return at(() -> store.stat(job));
    }

    @Override
    public LogCheck verify(JobId job) {
        return at(() -> store.verify(job));
    }

    @Override
    public boolean exists(JobId job) {
        return at(() -> store.exists(job));
    }

    @Override
    public LogFollower follow(JobId job, long fromSeq) {
        LogFollower follower = at(() -> store.follow(job, fromSeq));
        return new ForwardingLogStore.ForwardingLogFollower(follower) {
            @Override
            public List<LogChunk> poll(Duration timeout) throws InterruptedException {
                try {
                    return follower.poll(timeout);
                } catch (LogStoreException e) {
                    throw e.inTier(tier);
                }
            }

            @Override
            public void close() {
                at(follower::close);
            }
        };
    }

    @Override
    public void delete(JobId job) {
        at(() -> store.delete(job));
    }

    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) {
        return at(() -> store.list(prefix, startAfter, limit));
    }

    @Override
    public void exportArchive(JobId job, OutputStream out) {
        at(() -> store.exportArchive(job, out));
    }

    @Override
    public void importArchive(JobId job, InputStream archive) {
        at(() -> store.importArchive(job, archive));
    }

    @Override
    public Optional<ArchiveOptions> archiveOptions() {
        return store.archiveOptions();
    }

    @Override
    public void close() {
        at(store::close);
    }

    @Override
    public String toString() {
        return "tier '" + tier + "' (" + store + ")";
    }
}
