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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Baseline for {@link StoreAppendBench}: the same chunks appended uncompressed to one plain file per job with a
 * {@link FileChannel}, no index, no checksums, with the same fsync cadence: {@code fsync} forces after every append,
 * {@code group} forces at once unless a force of the file runs, then shares the next ({@link PlainGroupSync}, as the
 * fs store's group commit), {@code none} never syncs. The store beats it only if compression saves more write time than it costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FileAppendBaselineBench {
    @Param({"fsync", "group", "none"})
    public String durability;

    @Param({"512", "4096", "65536"})
    public int chunkBytes;

    Path dir;
    CorpusBytes corpus;
    PlainGroupSync group;
    final AtomicInteger fileNumbers = new AtomicInteger();
    final Queue<Path> finished = new ConcurrentLinkedQueue<>();

    @Setup(Level.Trial)
    public void open() {
        corpus = CorpusBytes.load();
        dir = BenchDirs.newScratch("plainfile");
        if (durability.equals("group")) {
            group = new PlainGroupSync();
        }
    }

    /** Deletes finished files between iterations, when no thread is appending. */
    @TearDown(Level.Iteration)
    public void dropFinished() throws IOException {
        for (Path p = finished.poll(); p != null; p = finished.poll()) {
            Files.deleteIfExists(p);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (group != null) {
            group.close();
        }
        BenchDirs.deleteTree(dir);
    }

    @State(Scope.Thread)
    public static class JobFile {
        FileAppendBaselineBench bench;
        ChunkFeed feed;
        FileChannel channel;
        Path path;
        long bytes;

        @Setup(Level.Trial)
        public void start(FileAppendBaselineBench bench) throws IOException {
            this.bench = bench;
            int n = bench.fileNumbers.getAndIncrement();
            feed = bench.corpus.feedForJob(bench.chunkBytes, n);
            nextFile();
        }

        void nextFile() throws IOException {
            if (channel != null) {
                channel.close();
                bench.finished.add(path);
            }
            path = bench.dir.resolve("job-" + bench.fileNumbers.getAndIncrement() + ".log");
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            bytes = 0;
        }

        void append() throws IOException {
            if (bytes >= StoreAppendBench.ROTATE_BYTES) {
                nextFile();
            }
            ByteBuffer b = ByteBuffer.wrap(feed.next());
            bytes += b.remaining();
            while (b.hasRemaining()) {
                channel.write(b);
            }
            switch (bench.durability) {
                case "fsync" -> channel.force(false);
                case "group" -> bench.group.awaitSync(channel);
                case "none" -> { }
                default -> throw new IllegalArgumentException("durability " + bench.durability);
            }
        }

        @TearDown(Level.Trial)
        public void closeFile() throws IOException {
            channel.close();
        }
    }

    @Benchmark
    @Threads(1)
    public void job1(JobFile file) throws IOException {
        file.append();
    }

    @Benchmark
    @Threads(32)
    public void jobs32(JobFile file) throws IOException {
        file.append();
    }
}
