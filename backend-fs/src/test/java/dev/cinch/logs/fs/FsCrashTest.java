package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} at random moments while a child JVM appends to 32 logs at once with group commit (the default):
 * after every kill, every chunk the child acknowledged is there, byte-exact, and nothing corrupt is read; the next
 * child continues each log where the store says it ends. 50 rounds.
 */
class FsCrashTest {
    private static final int ROUNDS = 50;
    private static final int JOBS = 32;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(600)
    void acknowledgedChunksSurviveKillDashNine() throws Exception {
        Random rnd = new Random(2026);
        long[] acked = new long[JOBS];
        java.util.Arrays.fill(acked, -1);
        long totalAcks = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Process child = new ProcessBuilder(javaBinary(), "-cp", classPath(), CrashAppender.class.getName(),
                    dataDir.toString(), String.valueOf(JOBS), "group")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(out.readLine()).as("child start-up, round %d", round).isEqualTo("READY");
            long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50 + rnd.nextInt(400));
            Thread killer = new Thread(() -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, killAt - System.nanoTime()));
                } catch (InterruptedException e) {
                    return;
                }
                // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the pipe and
                // lose acknowledgements the child wrote just before dying.
                child.toHandle().destroyForcibly();
            });
            killer.start();
            String line;
            while ((line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts.length == 3 && parts[0].equals("ACK")) {
                    int job = Integer.parseInt(parts[1]);
                    acked[job] = Math.max(acked[job], Long.parseLong(parts[2]));
                    totalAcks++;
                }
            }
            child.waitFor(30, TimeUnit.SECONDS);
            killer.join();
            assertThat(child.exitValue()).as("child was killed, round %d", round).isNotZero();
            verify(acked, round);
        }
        assertThat(totalAcks).as("the children acknowledged appends").isGreaterThan(ROUNDS * 5L);
    }

    private void verify(long[] acked, int round) {
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir", dataDir.toString())))) {
            for (int j = 0; j < JOBS; j++) {
                JobId job = CrashAppender.jobId(j);
                if (acked[j] < 0) {
                    continue;
                }
                LogStat stat;
                try {
                    stat = store.stat(job);
                } catch (LogNotFoundException e) {
                    throw new AssertionError("round " + round + ": job " + job + " lost although seq " + acked[j] + " was acknowledged");
                }
                assertThat(stat.chunks()).as("round %d job %s: chunks vs last acknowledged seq %d", round, job, acked[j])
                        .isGreaterThan(acked[j]);
                List<LogChunk> all = new ArrayList<>();
                while (all.size() < stat.chunks()) {
                    all.addAll(store.readChunks(job, all.size(), 500));
                }
                for (LogChunk c : all) {
                    assertThat(c).as("round %d job %s seq %d", round, job, c.seq()).isEqualTo(CrashAppender.expected(j, c.seq()));
                }
                // the byte view and the checksum agree with the chunks
                java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                all.forEach(c -> crc.update(c.data()));
                assertThat(stat.crc32c()).as("round %d job %s checksum", round, job).isEqualTo((int) crc.getValue());
                verifyLines(store, job, all, acked[j], round);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Line reads agree with the chunks, and every newline count open.lines holds is right: the previous child's
     * recovery counted the chunks it re-indexed, every acknowledged chunk has its count, and what this reader cannot
     * see counted yet (frames after the index) is unknown, never wrong.
     */
    private void verifyLines(LogStore store, JobId job, List<LogChunk> all, long acked, int round)
            throws java.io.IOException {
        java.io.ByteArrayOutputStream view = new java.io.ByteArrayOutputStream();
        all.forEach(c -> view.writeBytes(c.data()));
        byte[] bytes = view.toByteArray();
        long newlines = dev.cinch.logs.storage.LogTotals.countNewlines(bytes);
        for (long from : new long[] {1, newlines / 2 + 1, Math.max(1, newlines - 3)}) {
            assertThat(store.readLines(job, from, 7)).as("round %d job %s lines %d+7", round, job, from)
                    .isEqualTo(dev.cinch.logs.testkit.LogReference.lines(bytes, from, 7));
        }
        try (FsLogStorage storage = new FsLogStorage(FsStoreConfig.from(CinchConfig.of(Map.of("data-dir", dataDir.toString()))));
             var snapshot = storage.openSnapshot(job).orElseThrow()) {
            long n = 0;
            long counted = 0;
            for (int seq = 0; seq <= snapshot.totals().chunks(); seq++) {
                long recorded = snapshot.newlinesBefore(seq);
                if (recorded != dev.cinch.logs.storage.LogTotals.UNKNOWN_NEWLINES) {
                    assertThat(recorded).as("round %d job %s newlines before seq %d", round, job, seq).isEqualTo(n);
                    counted++;
                }
                if (seq < all.size()) {
                    n += dev.cinch.logs.storage.LogTotals.countNewlines(all.get(seq).data());
                }
            }
            // An acknowledged chunk was indexed, and its count written before its index entry.
            assertThat(counted).as("round %d job %s: seqs with a count", round, job).isGreaterThanOrEqualTo(acked + 2);
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static String pathSeparator() {
        return File.pathSeparator;
    }
}
