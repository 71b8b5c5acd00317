package dev.cinch.logs.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cinch.logs.ChunkConflictException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.SequenceGapException;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two server instances fight over one log while its writer lease keeps vanishing (deleted every few milliseconds,
 * as if it were never renewed in time), so both often believe they hold the role. Each writes its own bytes, and
 * every append either returns (acknowledged) or fails cleanly (locked, gap, conflict). Every acknowledged chunk must
 * be in the final log at its seq with exactly its bytes: a loser never overwrites a stored chunk.
 */
class S3TwoWritersTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = TestS3.extension();
    private static final S3Layout LAYOUT = new S3Layout(TestS3.PREFIX);

    private static byte[] bytes(String writer, long seq) {
        return (writer + " wrote seq " + seq + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(300)
    void everyAcknowledgedChunkIsInTheLogWhateverTheRace() throws Exception {
        try (S3Client c = TestS3.client(S3)) {
            TestS3.createBucket(c);
        }
        JobId j = JobId.of("contested");
        Map<Long, String> acked = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger locked = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        List<LogStore> stores = List.of(LogStores.fromClassPath().open(TestS3.config(S3)),
                LogStores.fromClassPath().open(TestS3.config(S3)));
        try (S3Client raw = TestS3.client(S3)) {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                String name = "writer-" + w;
                LogStore s = stores.get(w);
                threads.add(new Thread(() -> {
                    long seq = 0;
                    while (!stop.get()) {
                        try {
                            s.append(j, new LogChunk(seq, LogStream.STDOUT, seq, bytes(name, seq)));
                            String before = acked.putIfAbsent(seq, name);
                            if (before != null && !before.equals(name)) {
                                unexpected.add(new AssertionError("seq " + seq + " acknowledged to " + before + " and " + name));
                            }
                            seq++;
                        } catch (SequenceGapException e) {
                            seq = e.expectedSeq();
                        } catch (ChunkConflictException e) {
                            conflicts.incrementAndGet();
                            seq++; // the other writer has this seq: try the next one
                        } catch (LogLockedException e) {
                            locked.incrementAndGet();
                            Thread.onSpinWait();
                        } catch (Throwable t) {
                            unexpected.add(t);
                            return;
                        }
                    }
                }));
            }
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    try {
                        raw.deleteObject(b -> b.bucket(TestS3.BUCKET).key(LAYOUT.writer(j)));
                        Thread.sleep(3);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
            threads.forEach(Thread::start);
            Thread.sleep(15_000);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            for (LogStore s : stores) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    // a writer whose role was taken may fail to give it back
                }
            }
        }
        assertThat(unexpected).isEmpty();
        try (LogStore reader = LogStores.fromClassPath().open(TestS3.config(S3))) {
            List<LogChunk> all = new ArrayList<>();
            long count = reader.stat(j).chunks();
            while (all.size() < count) {
                all.addAll(reader.readChunks(j, all.size(), 500));
            }
            for (Map.Entry<Long, String> a : acked.entrySet()) {
                assertThat(a.getKey()).as("acknowledged seq within the log").isLessThan(count);
                assertThat(all.get((int) (long) a.getKey()).data()).as("seq %d", a.getKey())
                        .isEqualTo(bytes(a.getValue(), a.getKey()));
            }
            System.err.printf("two writers: %d chunks stored, %d acknowledged, %d locked refusals, %d conflicts%n",
                    count, acked.size(), locked.get(), conflicts.get());
            assertThat(acked).hasSizeGreaterThan(20);
        }
    }
}
