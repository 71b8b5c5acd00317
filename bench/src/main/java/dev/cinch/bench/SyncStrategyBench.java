package dev.cinch.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
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
import org.openjdk.jmh.annotations.Threads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The design question behind the fs store's group commit, measured on the disk at hand without the store around it:
 * how should N jobs, each appending to its own log file and each waiting until its record is durable, spend fsyncs?
 *
 * <ul>
 * <li>{@code own-file}: each job forces its own file after each record; concurrent fsyncs of different files are left
 *     to the filesystem, which commits them together (ext4's journal commits one transaction for all waiting fsyncs).
 *     This is what the fs store's {@code group} mode does across logs.
 * <li>{@code shared-journal}: each record is also appended to one shared journal file, and a leader forces only that
 *     file for every record written so far while the others wait (leader/follower); the log files themselves are not
 *     forced (a real design would replay the journal after a crash).
 * <li>{@code preallocated-journal}: the same, but the journal's space is written and forced once beforehand and then
 *     overwritten in a ring, so a force changes no file size or block map: {@code fdatasync} then has no metadata to
 *     commit, only the data blocks and the disk's cache flush (what databases do with recycled WAL files).
 * </ul>
 * {@code work}: {@code none} writes a fixed 1,200-byte record (about one compressed 4 KiB chunk), so only the disk
 * and the kernel's fsync path are measured; {@code compress} first compresses the job's next 4 KiB of real log with
 * zstd -3 and writes that, as the store does, so that fsyncs compete with append work for the CPUs. Throughput in
 * records per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SyncStrategyBench {
    static final int RECORD_BYTES = 1200;
    static final int CHUNK_BYTES = 4096;
    /** Ring size of the preallocated journal: far more than the records in flight at once. */
    static final long JOURNAL_BYTES = 64L << 20;

    @Param({"own-file", "shared-journal", "preallocated-journal"})
    public String strategy;

    @Param({"none", "compress"})
    public String work;

    Path dir;
    FileChannel journal;
    CorpusBytes corpus;
    final AtomicLong journalEnd = new AtomicLong();
    final AtomicInteger files = new AtomicInteger();
    final ReentrantLock syncLock = new ReentrantLock();
    final Condition synced = syncLock.newCondition();
    /** Records written to the journal / known durable; whether a force runs. Guarded by syncLock. */
    long journalWritten;
    long journalDurable;
    boolean forcing;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchDirs.newScratch("sync-strategy");
        journal = FileChannel.open(dir.resolve("journal"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (strategy.equals("preallocated-journal")) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long at = 0; at < JOURNAL_BYTES; at += zeros.capacity()) {
                journal.write(zeros.clear(), at);
            }
            journal.force(true);
        }
        corpus = work.equals("compress") ? CorpusBytes.load() : null;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        journal.close();
        BenchDirs.deleteTree(dir);
    }

    /** One job: its own log file, and the real log it appends when there is work to do. */
    @State(Scope.Thread)
    public static class JobFile {
        FileChannel channel;
        long end;
        ChunkFeed feed;
        final ByteBuffer fixedRecord = ByteBuffer.allocate(RECORD_BYTES);
        final byte[] compressed = new byte[(int) Zstd.compressBound(CHUNK_BYTES)];
        /** The job's own context, as the store's codec pools them: creating one per record would dominate. */
        ZstdCompressCtx compressor;

        @Setup(Level.Trial)
        public void open(SyncStrategyBench bench) throws IOException {
            int number = bench.files.getAndIncrement();
            channel = FileChannel.open(bench.dir.resolve("log-" + number),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            feed = bench.corpus == null ? null : bench.corpus.feedForJob(CHUNK_BYTES, number);
            if (feed != null) {
                compressor = new ZstdCompressCtx();
                compressor.setLevel(3);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
            if (compressor != null) {
                compressor.close();
            }
        }

        ByteBuffer nextRecord() {
            if (feed == null) {
                return fixedRecord.clear();
            }
            byte[] chunk = feed.next();
            int n = compressor.compressByteArray(compressed, 0, compressed.length, chunk, 0, chunk.length);
            return ByteBuffer.wrap(compressed, 0, n);
        }
    }

    private void appendDurably(JobFile job) {
        try {
            ByteBuffer record = job.nextRecord();
            int length = record.remaining();
            job.channel.write(record, job.end);
            job.end += length;
            if (strategy.equals("own-file")) {
                job.channel.force(false);
                return;
            }
            long at = journalEnd.getAndAdd(length);
            if (strategy.equals("preallocated-journal")) {
                at %= JOURNAL_BYTES - CHUNK_BYTES * 2;
            }
            journal.write(record.rewind(), at);
            syncLock.lock();
            try {
                long mine = ++journalWritten;
                while (journalDurable < mine) {
                    if (forcing) {
                        synced.awaitUninterruptibly();
                        continue;
                    }
                    forcing = true;
                    long upTo = journalWritten;
                    syncLock.unlock();
                    try {
                        journal.force(false);
                    } finally {
                        syncLock.lock();
                        forcing = false;
                    }
                    journalDurable = Math.max(journalDurable, upTo);
                    synced.signalAll();
                }
            } finally {
                syncLock.unlock();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    @Threads(1)
    public void job1(JobFile job) {
        appendDurably(job);
    }

    @Benchmark
    @Threads(32)
    public void jobs32(JobFile job) {
        appendDurably(job);
    }

    @Benchmark
    @Threads(256)
    public void jobs256(JobFile job) {
        appendDurably(job);
    }
}
