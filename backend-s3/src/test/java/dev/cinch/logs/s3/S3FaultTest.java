package dev.cinch.logs.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.testkit.Corpus;
import dev.cinch.logs.testkit.LogReference;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Logs appended, sealed, read and followed by two server instances while 20% of all S3 responses fail (503 SlowDown,
 * 500, connection resets mid-body, stalls ending in a read timeout; injected after the server did the work). Nothing
 * is lost or corrupted: every log reads back byte-exact, in both instances, before and after its seal.
 */
class S3FaultTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = TestS3.extension();

    private static LogStore store(CinchConfig cfg, FaultInjector faults) {
        S3StoreConfig config = S3StoreConfig.from(cfg);
        return S3LogStoreProvider.open(config, new S3LogStorage(config, S3Clients.build(config, List.of(faults))));
    }

    @Test
    @Timeout(600)
    void nothingIsLostOrCorruptedWhenOneRequestInFiveFails() throws Exception {
        try (S3Client c = TestS3.client(S3)) {
            TestS3.createBucket(c);
        }
        CinchConfig cfg = TestS3.config(S3).with("s3.request-timeout", "5s").with("s3.max-attempts", "12")
                .with("s3.segment-size", "256KiB").with("s3.part-size", "5MiB");
        FaultInjector writerFaults = new FaultInjector(0.2, 150);
        FaultInjector readerFaults = new FaultInjector(0.2, 150);
        List<Corpus.Log> corpus = Corpus.generated();
        int jobs = 4;
        List<List<LogChunk>> logs = new ArrayList<>();
        for (int j = 0; j < jobs - 1; j++) {
            List<LogChunk> chunks = LogReference.chunk(corpus.get(j).bytes(), new Random(j), 8192);
            logs.add(chunks.subList(0, Math.min(chunks.size(), 120)));
        }
        // One log of 12 MiB that does not compress: its archive goes up in three 5 MiB parts under the faults too.
        List<LogChunk> big = new ArrayList<>();
        Random rnd = new Random(99);
        for (int i = 0; i < 24; i++) {
            byte[] data = new byte[512 << 10];
            rnd.nextBytes(data);
            big.add(new LogChunk(i, dev.cinch.logs.LogStream.STDOUT, i, data));
        }
        logs.add(big);
        ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
        try (LogStore writer = store(cfg, writerFaults); LogStore reader = store(cfg, readerFaults)) {
            writerFaults.enable(true);
            readerFaults.enable(true);
            List<Thread> threads = new ArrayList<>();
            List<List<LogChunk>> followed = new ArrayList<>();
            for (int j = 0; j < jobs; j++) {
                JobId job = JobId.of("fault-" + j);
                List<LogChunk> chunks = logs.get(j);
                List<LogChunk> got = new ArrayList<>();
                followed.add(got);
                threads.add(new Thread(() -> {
                    try {
                        for (LogChunk c : chunks) {
                            writer.append(job, c);
                        }
                        writer.seal(job);
                    } catch (Throwable t) {
                        problems.add(t);
                    }
                }));
                threads.add(new Thread(() -> {
                    try (LogFollower f = reader.follow(job, 0)) {
                        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                        while (!f.isFinished() && System.nanoTime() < deadline) {
                            got.addAll(f.poll(Duration.ofSeconds(1)));
                        }
                    } catch (Throwable t) {
                        problems.add(t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(problems).isEmpty();
            for (int j = 0; j < jobs; j++) {
                JobId job = JobId.of("fault-" + j);
                List<LogChunk> chunks = logs.get(j);
                byte[] bytes = LogReference.concat(chunks);
                assertThat(followed.get(j)).as("followed job %d", j).isEqualTo(chunks);
                for (LogStore s : List.of(writer, reader)) {
                    assertThat(s.stat(job).sealed()).isTrue();
                    assertThat(readAll(s, job)).as("job %d", j).isEqualTo(bytes);
                    assertThat(s.readTailLines(job, 20)).isEqualTo(LogReference.tail(bytes, 20));
                    List<LogChunk> all = new ArrayList<>();
                    while (all.size() < chunks.size()) {
                        all.addAll(s.readChunks(job, all.size(), 50));
                    }
                    assertThat(all).isEqualTo(chunks);
                    ByteArrayOutputStream exported = new ByteArrayOutputStream();
                    s.exportArchive(job, exported);
                    assertThat(exported.size()).isPositive();
                }
            }
        }
        Map<FaultInjector.Fault, Long> w = writerFaults.injected();
        Map<FaultInjector.Fault, Long> r = readerFaults.injected();
        System.err.println("fault test: writer " + writerFaults.requests() + " responses, injected " + w + "; reader "
                + readerFaults.requests() + " responses, injected " + r);
        for (FaultInjector.Fault f : FaultInjector.Fault.values()) {
            assertThat(w.get(f) + r.get(f)).as("injected %s", f).isPositive();
        }
    }

    private static byte[] readAll(LogStore s, JobId job) {
        long size = s.stat(job).rawBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < size) {
            out.writeBytes(s.readRange(job, out.size(), 100_000));
        }
        return out.toByteArray();
    }
}
