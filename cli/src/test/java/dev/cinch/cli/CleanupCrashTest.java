package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.metadata.JobStatus;
import dev.cinch.metadata.JobStatusUpdate;
import dev.cinch.metadata.Metadata;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cinchlog cleanup} killed with {@code kill -9} at random points while it deletes jobs whose logs lie in two
 * fs tiers, then run again. After each kill: a job without its row has no log left in any tier, and a job whose row
 * outlived its logs is in a recorded batch. After the rerun: every expired job, its logs in every tier, its location
 * record and the batch records are gone.
 */
class CleanupCrashTest extends TwoFsTiersCli {
    private static final int ROUNDS = 10;
    private static final int JOBS_PER_ROUND = 24;

    @Test
    void cleanupKilledAtRandomPointsIsFinishedByTheNextRun() throws Exception {
        Path config = config("0s");
        SplittableRandom random = new SplittableRandom(20261130);
        int killedMidway = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS_PER_ROUND; i++) {
                String job = "r" + round + "-job-" + i;
                Result r = cli(new byte[0], config, "run", "--job", job, "--", "sh", "-c", "echo building " + job + "; echo done");
                assertThat(r.code()).as(r.err()).isZero();
                jobs.add(job);
                if (i == JOBS_PER_ROUND / 2) {
                    assertThat(cli(new byte[0], config, "archive", "--once").code()).isZero(); // half the logs in hdd, half in ssd
                }
            }
            finishedLongAgo(config, jobs);
            int before = logsOnDisk(jobs);
            assertThat(before).isEqualTo(JOBS_PER_ROUND);

            Process cleanup = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", ChildJvm.classPath(), Cinchlog.class.getName(), "--config", config.toString(),
                    "--data-dir", dir.resolve("data").toString(), "cleanup", "--retention", "30d", "--batch-size", "5")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("cleanup-" + round + ".out").toFile()).start();
            // Kill once deleting has gone down to a random number of logs left: inside a batch or between two.
            int killWhenLeft = 1 + random.nextInt(before - 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (cleanup.isAlive() && logsOnDisk(jobs) > killWhenLeft && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            boolean killed = cleanup.isAlive();
            cleanup.destroyForcibly();
            assertThat(cleanup.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (killed && logsOnDisk(jobs) > 0) {
                killedMidway++;
            }

            Set<String> rows = query("SELECT id FROM jobs");
            Set<String> recorded = query("SELECT job_id FROM retention_batch_jobs");
            for (String job : jobs) {
                boolean hasLog = !tiersHolding(job).isEmpty();
                if (!rows.contains(job)) {
                    assertThat(hasLog).as("round %d: %s lost its row but kept a log in %s", round, job, tiersHolding(job)).isFalse();
                } else if (!hasLog) {
                    assertThat(recorded).as("round %d: %s kept its row without logs and is in no recorded batch", round, job)
                            .contains(job);
                }
            }

            Result rerun = cli(new byte[0], config, "cleanup", "--retention", "30d", "--batch-size", "5");
            assertThat(rerun.code()).as(rerun.err()).isZero();
            Set<String> left = query("SELECT id FROM jobs");
            for (String job : jobs) {
                assertThat(left).as("round %d", round).doesNotContain(job);
                assertThat(tiersHolding(job)).as("round %d: %s", round, job).isEmpty();
            }
            assertThat(query("SELECT job_id FROM retention_batch_jobs")).isEmpty();
            assertThat(query("SELECT id FROM retention_batches")).isEmpty();
            assertThat(query("SELECT job_id FROM log_locations")).as("location records").isEmpty();
        }
        // Kills that all landed before or after the work would prove nothing.
        assertThat(killedMidway).as("rounds killed while deleting").isGreaterThanOrEqualTo(ROUNDS / 2);
    }

    /** Registers the jobs as finished 40 days ago, as the server records how jobs end. */
    private void finishedLongAgo(Path config, List<String> jobs) {
        CinchConfig c = CinchConfig.load(Optional.of(config), Map.of("CINCH_DATA_DIR", dir.resolve("data").toString()), Map.of());
        try (Metadata md = Metadata.open(c, Clock.fixed(Instant.now().minus(Duration.ofDays(40)), ZoneOffset.UTC))) {
            for (String id : jobs) {
                JobId job = JobId.of(id);
                md.store().updateJobStatus(job, JobStatusUpdate.running(null));
                md.store().updateJobStatus(job, JobStatusUpdate.finished(JobStatus.SUCCESS, 0, null));
            }
        }
    }

    /** How many of the jobs have a folder in some tier: one walk of each tier, so polling it stays fast. */
    private int logsOnDisk(List<String> jobs) throws Exception {
        Set<String> names = new HashSet<>();
        for (String tier : List.of("ssd", "hdd")) {
            Path root = dir.resolve(tier);
            if (Files.isDirectory(root)) {
                names.addAll(namesUnder(root));
            }
        }
        int n = 0;
        for (String job : jobs) {
            n += names.contains(job) ? 1 : 0;
        }
        return n;
    }

    /** The tiers whose folders hold something of the job, seen behind the store's back. */
    private List<String> tiersHolding(String job) throws Exception {
        List<String> tiers = new ArrayList<>();
        for (String tier : List.of("ssd", "hdd")) {
            Path root = dir.resolve(tier);
            if (!Files.isDirectory(root)) {
                continue;
            }
            if (holds(root, job)) {
                tiers.add(tier);
            }
        }
        return tiers;
    }

    /** Whether a folder named after the job exists under root. */
    private static boolean holds(Path root, String job) throws Exception {
        return namesUnder(root).contains(job);
    }

    /** The names of everything under root; walked again when a delete races the walk. */
    private static Set<String> namesUnder(Path root) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try (Stream<Path> files = Files.walk(root)) {
                Set<String> names = new HashSet<>();
                files.forEach(p -> names.add(p.getFileName().toString()));
                return names;
            } catch (java.io.UncheckedIOException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    private Set<String> query(String sql) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data").resolve("cinch.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

}
