package dev.cinch.logs.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Seal on S3 in child JVMs: a 256 MiB log archived with a 64 MiB heap (the archive is streamed with multipart upload,
 * never held), and seals killed with SIGKILL at random points, after each of which the log still reads byte-exact and
 * a rerun finishes the seal.
 */
class S3SealTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = TestS3.extension();
    private static final S3Layout LAYOUT = new S3Layout(TestS3.PREFIX);

    @BeforeEach
    void bucket() {
        try (S3Client c = TestS3.client(S3)) {
            TestS3.createBucket(c);
        }
    }

    /** Chunk {@code seq} of a test log: CI-like lines, partly random so that it compresses about 3x, never equal. */
    static LogChunk chunk(long seq, int size) {
        Random rnd = new Random(seq * 7919 + 17);
        StringBuilder b = new StringBuilder(size + 200);
        while (b.length() < size) {
            b.append("[step ").append(seq).append("] compiling module-").append(rnd.nextInt(500)).append(" ")
                    .append(Long.toHexString(rnd.nextLong())).append(Long.toHexString(rnd.nextLong())).append(" ok\n");
        }
        byte[] bytes = Arrays.copyOf(b.toString().getBytes(StandardCharsets.US_ASCII), size);
        return new LogChunk(seq, seq % 5 == 4 ? LogStream.STDERR : LogStream.STDOUT, 1_000_000 + seq, bytes);
    }

    private static int crcOf(int chunks, int size) {
        CRC32C crc = new CRC32C();
        for (int i = 0; i < chunks; i++) {
            crc.update(chunk(i, size).data());
        }
        return (int) crc.getValue();
    }

    private static Process child(JobId job, CinchConfig config, String heap) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-cp", classPath(), S3Child.class.getName()));
        cmd.addAll(List.of(S3Child.args(job, config)));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @Test
    @Timeout(600)
    void a256MiBLogIsSealedByAJvmWithA64MiBHeap() throws Exception {
        JobId j = JobId.of("big");
        int chunkSize = 1 << 20;
        int chunks = 256;
        CinchConfig config = TestS3.config(S3).with("s3.chunk-level", "1").with("s3.archive-level", "1");
        try (LogStore s = LogStores.fromClassPath().open(config)) {
            for (int i = 0; i < chunks; i++) {
                s.append(j, chunk(i, chunkSize));
            }
        }
        Process p = child(j, config, "-Xmx64m");
        String lastLine = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = out.readLine()) != null; ) {
                lastLine = line;
            }
        }
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child exit").isZero();
        assertThat(lastLine).startsWith("SEALED");
        assertThat(Long.parseLong(lastLine.split(" ")[1])).as("the child's heap").isLessThanOrEqualTo(64L << 20);
        try (LogStore s = LogStores.fromClassPath().open(config)) {
            LogStat st = s.stat(j);
            assertThat(st.sealed()).isTrue();
            assertThat(st.chunks()).isEqualTo(chunks);
            assertThat(st.rawBytes()).isEqualTo((long) chunks * chunkSize);
            assertThat(st.crc32c()).isEqualTo(crcOf(chunks, chunkSize));
            for (int i : new int[] {0, 77, 255}) {
                assertThat(s.readChunks(j, i, 1).get(0)).isEqualTo(chunk(i, chunkSize));
            }
        }
        try (S3Client c = TestS3.client(S3)) {
            assertThat(S3LogStoreContractTest.keysOf(c, LAYOUT.segmentPrefix(j))).as("segments removed").isEmpty();
        }
    }

    @Test
    @Timeout(900)
    void aSealKilledAtAnyPointLeavesAReadableLogAndARerunFinishesIt() throws Exception {
        int rounds = 30;
        int chunks = 48;
        int chunkSize = 256 << 10; // 12 MiB: an archive of several 5 MiB parts at level 1
        CinchConfig config = TestS3.config(S3).with("s3.writer-lease", "1s").with("s3.part-size", "5MiB")
                .with("s3.chunk-level", "1").with("s3.archive-level", "1").with("s3.segment-size", "2MiB")
                .with("s3.durability", "buffered");
        int expectedCrc = crcOf(chunks, chunkSize);
        int killedBeforeSeal = 0;
        int killedSealed = 0;
        for (int round = 0; round < rounds; round++) {
            JobId j = JobId.of("crash-seal-" + round);
            try (LogStore s = LogStores.fromClassPath().open(config)) {
                for (int i = 0; i < chunks; i++) {
                    s.append(j, chunk(i, chunkSize));
                }
            }
            Process p = child(j, config, "-Xmx128m");
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(out.readLine()).isEqualTo("OPEN");
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 1500)); // anywhere in the seal, or after it
            p.toHandle().destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            try (LogStore s = LogStores.fromClassPath().open(config)) {
                LogStat st = s.stat(j);
                if (st.sealed()) {
                    killedSealed++;
                } else {
                    killedBeforeSeal++;
                }
                assertThat(st.chunks()).as("round %d", round).isEqualTo(chunks);
                assertThat(st.crc32c()).as("round %d", round).isEqualTo(expectedCrc);
                assertThat(s.readChunks(j, chunks - 1, 1).get(0)).as("round %d", round).isEqualTo(chunk(chunks - 1, chunkSize));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (true) {
                    try {
                        s.seal(j); // the killed child's lease blocks the role until it goes stale
                        break;
                    } catch (LogLockedException e) {
                        assertThat(System.nanoTime()).as("round %d: lease never went stale", round).isLessThan(deadline);
                        Thread.sleep(200);
                    }
                }
                st = s.stat(j);
                assertThat(st.sealed()).isTrue();
                assertThat(st.crc32c()).isEqualTo(expectedCrc);
                assertThat(s.readChunks(j, 0, 1).get(0)).isEqualTo(chunk(0, chunkSize));
                s.seal(j); // idempotent, and it tidies what a seal killed after its commit left
            }
            try (S3Client c = TestS3.client(S3)) {
                List<String> keys = S3LogStoreContractTest.keysOf(c, LAYOUT.jobPrefix(j));
                assertThat(keys).as("round %d: only the archive and its pointer remain", round).hasSize(2);
                c.deleteObjects(b -> b.bucket(TestS3.BUCKET).delete(d -> d.objects(keys.stream()
                        .map(k -> software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key(k).build()).toList())));
            }
        }
        System.err.printf("seal crash test: %d rounds killed before the seal committed, %d after%n", killedBeforeSeal,
                killedSealed);
        assertThat(killedBeforeSeal).as("rounds killed before the seal committed").isPositive();
    }
}
