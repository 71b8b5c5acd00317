package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.metadata.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} at random moments while a child JVM appends to 16 logs at once through the db store's group
 * commit: after every kill, every chunk the child acknowledged is there, byte-exact, with the right checksum, and
 * nothing corrupt is read; the next child continues each log where the store says it ends (once the dead child's
 * writer leases, 1 s here, ran out). 50 rounds on a SQLite file, 20 on Postgres.
 */
class DbCrashTest {
    private static final int JOBS = 16;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(900)
    void acknowledgedChunksSurviveKillDashNineOnASqliteFile() throws Exception {
        run(50, Map.of("data-dir", dataDir.toString(), "log-store", "db", "db.writer-lease", "1s"));
    }

    @Test
    @Timeout(900)
    void acknowledgedChunksSurviveKillDashNineOnPostgres() throws Exception {
        TestPostgres.requireReachable();
        try (TestPostgres.Schema schema = TestPostgres.freshSchema()) {
            run(20, Map.of("data-dir", dataDir.toString(), "log-store", "db", "db.writer-lease", "1s",
                    "database.url", schema.databaseUrl()));
        }
    }

    private void run(int rounds, Map<String, String> settings) throws Exception {
        Random rnd = new Random(2026);
        long[] acked = new long[JOBS];
        java.util.Arrays.fill(acked, -1);
        Verified[] verified = new Verified[JOBS];
        for (int j = 0; j < JOBS; j++) {
            verified[j] = new Verified();
        }
        long totalAcks = 0;
        for (int round = 0; round < rounds; round++) {
            List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-cp", classPath(), DbCrashAppender.class.getName(),
                    String.valueOf(JOBS)));
            settings.forEach((k, v) -> cmd.add(k + "=" + v));
            Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(out.readLine()).as("child start-up, round %d", round).isEqualTo("READY");
            // Long enough for the dead child's leases (1 s) to run out and this child to append for a while.
            long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200 + rnd.nextInt(600));
            Thread killer = new Thread(() -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, killAt - System.nanoTime()));
                } catch (InterruptedException e) {
                    return;
                }
                // SIGKILL through the handle, keeping our end of the pipe: acknowledgements written just before the
                // kill are still read.
                child.toHandle().destroyForcibly();
            });
            killer.start();
            long roundAcks = 0;
            String line;
            while ((line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts.length == 3 && parts[0].equals("ACK")) {
                    int job = Integer.parseInt(parts[1]);
                    acked[job] = Math.max(acked[job], Long.parseLong(parts[2]));
                    roundAcks++;
                }
            }
            child.waitFor(30, TimeUnit.SECONDS);
            killer.join();
            assertThat(child.exitValue()).as("child was killed, round %d", round).isNotZero();
            totalAcks += roundAcks;
            long verifyStart = System.nanoTime();
            verify(settings, acked, verified, round);
            System.err.printf("db crash test: round %d: %d acknowledged appends, verified in %d ms%n", round, roundAcks,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - verifyStart));
        }
        assertThat(totalAcks).as("the children acknowledged appends").isGreaterThan(rounds * 16L);
    }

    /**
     * What earlier rounds checked of one log: its first {@code chunks} chunks and their running CRC32C. Chunks once
     * committed never change, so each round reads only what is new (plus the last chunk checked, again), keeping the
     * test linear in what the children wrote; the store's checksum still covers the whole log.
     */
    static final class Verified {
        long chunks;
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    }

    private static void verify(Map<String, String> settings, long[] acked, Verified[] verified, int round) {
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(new HashMap<>(settings)))) {
            for (int j = 0; j < JOBS; j++) {
                JobId job = DbCrashAppender.jobId(j);
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
                Verified v = verified[j];
                if (v.chunks > 0) {
                    List<LogChunk> last = store.readChunks(job, v.chunks - 1, 1);
                    assertThat(last).as("round %d job %s seq %d still stored", round, job, v.chunks - 1)
                            .containsExactly(DbCrashAppender.expected(j, v.chunks - 1));
                }
                while (v.chunks < stat.chunks()) {
                    for (LogChunk c : store.readChunks(job, v.chunks, 500)) {
                        assertThat(c).as("round %d job %s seq %d", round, job, c.seq()).isEqualTo(DbCrashAppender.expected(j, c.seq()));
                        v.crc.update(c.data());
                        v.chunks++;
                    }
                }
                assertThat(stat.crc32c()).as("round %d job %s checksum", round, job).isEqualTo((int) v.crc.getValue());
            }
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }
}
