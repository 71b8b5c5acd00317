package dev.cinch.bench;

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
 * </ul>
 * Records are 1,200 bytes, about one compressed 4 KiB chunk of real log. Throughput in records per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SyncStrategyBench {
    static final int RECORD_BYTES = 1200;

    @Param({"own-file", "shared-journal"})
    public String strategy;

    Path dir;
    FileChannel journal;
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
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        journal.close();
        BenchDirs.deleteTree(dir);
    }

    /** One job: its own log file. */
    @State(Scope.Thread)
    public static class JobFile {
        FileChannel channel;
        long end;
        final ByteBuffer record = ByteBuffer.allocate(RECORD_BYTES);

        @Setup(Level.Trial)
        public void open(SyncStrategyBench bench) throws IOException {
            channel = FileChannel.open(bench.dir.resolve("log-" + bench.files.getAndIncrement()),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
        }
    }

    private void appendDurably(JobFile job) {
        try {
            job.channel.write(job.record.clear(), job.end);
            job.end += RECORD_BYTES;
            if (strategy.equals("own-file")) {
                job.channel.force(false);
                return;
            }
            journal.write(job.record.clear(), journalEnd.getAndAdd(RECORD_BYTES));
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
