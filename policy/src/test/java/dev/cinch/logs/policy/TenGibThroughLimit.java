package dev.cinch.logs.policy;

import dev.cinch.logs.ElidedRange;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStatus;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Streams a long deterministic output through a size limit into an fs store and checks what is kept, byte for byte,
 * against the head and tail computed from the generator (the output itself is never held). Run in a child JVM with a
 * small heap by {@link SizeLimitTenGibTest}; prints one line of measurements.
 */
final class TenGibThroughLimit {
    /** The output repeats this block; its length is prime, so no chunk boundary lines up with it. */
    static final byte[] BLOCK = block();
    static final int CHUNK = 256 << 10;

    private TenGibThroughLimit() {
    }

    private static byte[] block() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int line = 0;
        while (out.size() < 4099) {
            out.writeBytes(("[build] step " + line + " compiling module " + (line * 7919 % 1000) + " ok\n")
                    .getBytes(StandardCharsets.UTF_8));
            line++;
        }
        return Arrays.copyOf(out.toByteArray(), 4099); // cut mid-line: lines cross blocks too
    }

    /** The output's bytes {@code [from, to)}. */
    static byte[] output(long from, long to) {
        byte[] b = new byte[(int) (to - from)];
        for (int i = 0; i < b.length; i++) {
            b[i] = BLOCK[(int) ((from + i) % BLOCK.length)];
        }
        return b;
    }

    /** {@code \n} in the output's first {@code x} bytes. */
    static long newlinesBefore(long x) {
        long perBlock = SizeLimitLogStoreTest.newlines(BLOCK, 0, BLOCK.length);
        return (x / BLOCK.length) * perBlock + SizeLimitLogStoreTest.newlines(BLOCK, 0, (int) (x % BLOCK.length));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long total = Long.parseLong(args[1]);
        long head = Long.parseLong(args[2]);
        long tail = Long.parseLong(args[3]);
        JobId job = JobId.of("ten-gib");
        long started = System.nanoTime();
        long maxSide = 0;
        long maxDisk = 0;
        byte[] window = new byte[BLOCK.length + CHUNK]; // any chunk of the output is a slice of this
        for (int i = 0; i < window.length; i++) {
            window[i] = BLOCK[i % BLOCK.length];
        }
        try (LogStore fs = SizeLimitLogStoreTest.openFs(dir);
             LogStore store = new SizeLimitLogStore(fs, JobLimits.all(new SizeLimit(head, tail)))) {
            try (LogWriter w = store.openWriter(job)) {
                long sent = 0;
                long n = 0;
                while (sent < total) {
                    int len = (int) Math.min(CHUNK, total - sent);
                    w.append(n % 5 == 0 ? LogStream.STDERR : LogStream.STDOUT, n, window, (int) (sent % BLOCK.length), len);
                    sent += len;
                    n++;
                    if (n % 512 == 0) {
                        maxSide = Math.max(maxSide, sideBytes(fs, job));
                        maxDisk = Math.max(maxDisk, diskBytes(dir));
                    }
                }
            }
            long streamed = System.nanoTime();
            store.seal(job);
            long sealed = System.nanoTime();
            LogStat st = store.stat(job);
            byte[] kept = store.readRange(job, 0, (int) st.rawBytes());
            byte[] want = SizeLimitLogStoreTest.expected(concat(output(0, head), output(total - tail, total)),
                    head, tail, total, newlinesBefore(total - tail) - newlinesBefore(head));
            check(Arrays.equals(kept, want), "kept bytes differ from the expected head, marker and tail");
            check(st.receivedBytes() == total, "receivedBytes " + st.receivedBytes());
            check(st.elided().equals(java.util.Optional.of(new ElidedRange(head, total - head - tail,
                    newlinesBefore(total - tail) - newlinesBefore(head)))), "elided " + st.elided());
            check(st.status().kind() == LogStatus.Kind.TRUNCATED, "status " + st.status());
            System.out.printf("OK streamed %d bytes in %.1f s, seal %.2f s, max side-log bytes %d, max disk bytes %d, heap max %d%n",
                    total, (streamed - started) / 1e9, (sealed - streamed) / 1e9, maxSide, maxDisk,
                    Runtime.getRuntime().maxMemory());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static long sideBytes(LogStore fs, JobId job) {
        long total = 0;
        for (int slot = 0; slot < 2; slot++) {
            JobId id = SizeLimitLogStore.segmentId(job, slot);
            if (fs.exists(id)) {
                total += fs.stat(id).rawBytes();
            }
        }
        return total;
    }

    static long diskBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
