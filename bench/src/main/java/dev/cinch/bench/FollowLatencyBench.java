package dev.cinch.bench;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Follow latency: the time from the start of an append (in this JVM, or in a child JVM told over a pipe) to the
 * moment a follower of the log in this JVM has the chunk. It includes the append's own durability wait, since a
 * chunk is published only once it is acknowledged. SampleTime mode, so the report has percentiles (p50, p99).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FollowLatencyBench {
    static final int CHUNK_BYTES = 512;
    private static final long WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /**
     * A provider name, optionally with one setting to compare ({@code fs:fs.archive-frame-size=256KiB}); see
     * {@link StoreSpec#parse}. JMH splits {@code -p} values at commas, so one setting per value.
     */
    @Param({"fs"})
    public String store;

    @Param({"fsync", "group", "none"})
    public String durability;

    @Param({"in-process", "child-process"})
    public String writer;

    Path dataDir;
    LogStore logStore;
    JobId job;
    ChunkFeed feed;
    long nextSeq = 1;
    Process child;
    Writer childCommands;
    Thread followerThread;
    final AtomicLong delivered = new AtomicLong(-1);
    final AtomicReference<Throwable> followerFailure = new AtomicReference<>();
    volatile Thread waiter;

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        dataDir = BenchDirs.newScratch("follow-" + store);
        logStore = StoreSpec.parse(store, durability).open(dataDir);
        job = JobId.of("follow");
        feed = CorpusBytes.load().feed(CHUNK_BYTES, 0);
        if (writer.equals("in-process")) {
            logStore.append(job, new LogChunk(0, LogStream.STDOUT, System.currentTimeMillis(), feed.next()));
        } else {
            startChild();
        }
        LogFollower follower = logStore.follow(job, 0);
        followerThread = new Thread(() -> follow(follower), "bench-follower");
        followerThread.setDaemon(true);
        followerThread.start();
        awaitDelivered(0);
    }

    private void startChild() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FollowWriterProcess.class.getName(), dataDir.toString(), store, durability, job.value(),
                Integer.toString(CHUNK_BYTES));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        child = pb.start();
        childCommands = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.US_ASCII);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
        String ready = out.readLine();
        if (!"ready".equals(ready)) {
            child.destroyForcibly();
            throw new IllegalStateException("child writer did not start (said " + ready + ")");
        }
    }

    private void follow(LogFollower follower) {
        try (follower) {
            while (!follower.isFinished()) {
                List<LogChunk> chunks = follower.poll(Duration.ofMillis(200));
                if (!chunks.isEmpty()) {
                    delivered.set(chunks.get(chunks.size() - 1).seq());
                    Thread w = waiter;
                    if (w != null) {
                        LockSupport.unpark(w);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            followerFailure.set(t);
        }
    }

    private void awaitDelivered(long seq) {
        waiter = Thread.currentThread();
        long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
        while (delivered.get() < seq) {
            if (followerFailure.get() != null) {
                throw new IllegalStateException("follower failed", followerFailure.get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("seq " + seq + " not delivered to the follower within 30 s");
            }
            LockSupport.parkNanos(this, 1_000_000);
        }
    }

    @Benchmark
    public long appendToFollower() throws IOException {
        long seq = nextSeq++;
        if (child == null) {
            logStore.append(job, new LogChunk(seq, LogStream.STDOUT, System.currentTimeMillis(), feed.next()));
        } else {
            childCommands.write(seq + "\n");
            childCommands.flush();
        }
        awaitDelivered(seq);
        return seq;
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        if (child != null) {
            childCommands.close(); // the child seals the log and exits
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new IllegalStateException("child writer did not exit");
            }
            if (child.exitValue() != 0) {
                throw new IllegalStateException("child writer failed with exit code " + child.exitValue());
            }
        } else {
            logStore.seal(job);
        }
        followerThread.join(TimeUnit.SECONDS.toMillis(10));
        logStore.close();
        BenchDirs.deleteTree(dataDir);
    }
}
