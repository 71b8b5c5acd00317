package dev.cinch.logs.codec;

import com.github.luben.zstd.Zstd;
import dev.cinch.logs.JobId;
import dev.cinch.logs.testkit.CiLogGenerator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkCodecTest {
    private static final JobId JOB = JobId.of("codec");

    private static byte[] logBytes(long seed, int length) {
        byte[] log = CiLogGenerator.generate(seed, length + 1024);
        return Arrays.copyOf(log, length);
    }

    private static byte[] randomBytes(long seed, int length) {
        byte[] b = new byte[length];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    @Test
    void everySizeRoundTripsAndIsAPlainZstdFrame() {
        int limit = ChunkCodec.DIRECT_LIMIT;
        int[] sizes = {0, 1, 7, 100, 4096, 65_535, 65_536, 65_537, 200_000, limit - 1, limit, limit + 1, 1 << 20};
        try (ChunkCodec codec = new ChunkCodec(ChunkCodec.DEFAULT_LEVEL)) {
            for (int size : sizes) {
                for (boolean text : new boolean[] {true, false}) {
                    byte[] raw = text ? logBytes(size, size) : randomBytes(size, size);
                    // An offset into a larger array, as callers pass slices.
                    byte[] padded = new byte[size + 10];
                    System.arraycopy(raw, 0, padded, 3, size);
                    EncodedChunk e = codec.encode(padded, 3, size);
                    assertThat(e.rawLength()).isEqualTo(size);
                    assertThat(e.crc32c()).isEqualTo(Crc32c.of(raw, 0, size));
                    if (text && size >= 100) {
                        assertThat(e.encoding()).as("text of %d bytes", size).isEqualTo(ChunkEncoding.ZSTD);
                        assertThat(Zstd.decompress(e.payload(), size)).isEqualTo(raw);
                    }
                    if (!text && size > 0) {
                        assertThat(e.encoding()).as("random bytes of %d", size).isEqualTo(ChunkEncoding.RAW);
                    }
                    byte[] back = codec.decode(JOB, 0, e.payload(), 0, e.payload().length, e.encoding(), size, e.crc32c());
                    assertThat(back).as("%d bytes, text %s", size, text).isEqualTo(raw);
                }
            }
        }
    }

    @Test
    void moreCallersThanPooledContextsAllGetTheirOwnBytes() throws Exception {
        try (ChunkCodec codec = new ChunkCodec(ChunkCodec.DEFAULT_LEVEL)) {
            ExecutorService pool = Executors.newFixedThreadPool(24);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 24; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        SplittableRandom rnd = new SplittableRandom(thread);
                        for (int i = 0; i < 300; i++) {
                            int size = rnd.nextInt(3) == 0 ? rnd.nextInt(300_000) : rnd.nextInt(8192);
                            byte[] raw = logBytes(thread * 1000L + i, size);
                            EncodedChunk e = codec.encode(raw);
                            byte[] back = codec.decode(JOB, i, e.payload(), 0, e.payload().length, e.encoding(), size,
                                    e.crc32c());
                            if (!Arrays.equals(back, raw)) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> r : results) {
                    assertThat(r.get(2, TimeUnit.MINUTES)).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Hundreds of threads compressing 4 KiB chunks in a small heap, in a child JVM of its own. When every caller beyond
     * the pool made a context of its own and compressed between arrays (a JNI critical section each), JDK 17's G1
     * could not collect and the allocations failed with OutOfMemoryError ("Retried waiting for GCLocker too often"),
     * as the 256-job append benchmark did; this test failed that way on that code.
     */
    @Test
    void compressingFromHundredsOfThreadsDoesNotStarveTheGarbageCollector() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(javaBin.toString(), "-Xmx64m", "-XX:+UseG1GC",
                "-cp", System.getProperty("java.class.path"), ManyCompressors.class.getName(), "256", "4000")
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("compressed").doesNotContain("OutOfMemoryError");
    }

    /** The child: N threads, each compressing 4 KiB chunks and allocating as an append does, for a while. */
    public static final class ManyCompressors {
        public static void main(String[] args) throws Exception {
            int threads = Integer.parseInt(args[0]);
            long millis = Long.parseLong(args[1]);
            byte[] text = CiLogGenerator.generate(1, 1 << 20);
            try (ChunkCodec codec = new ChunkCodec(ChunkCodec.DEFAULT_LEVEL)) {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
                java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
                List<Thread> all = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = (t * 4099) % (text.length - 4096);
                    Thread th = new Thread(() -> {
                        try {
                            while (System.nanoTime() < until) {
                                byte[] chunk = Arrays.copyOfRange(text, offset, offset + 4096); // as LogChunk copies
                                codec.encode(chunk);
                                done.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    all.add(th);
                    th.start();
                }
                for (Thread th : all) {
                    th.join();
                }
                if (failure.get() != null) {
                    failure.get().printStackTrace();
                    System.exit(1);
                }
                System.out.println("compressed " + done.get() + " chunks");
            }
        }
    }
}
