package dev.cinch.cli;

import dev.cinch.logs.testkit.CiLogGenerator;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cinchlog archive} on a real tiered store: two fs tiers and location records in a real SQLite file. */
class ArchiveCommandTest extends TwoFsTiersCli {
    @Test
    void movesSealedLogsDownAndTheyReadTheSameFromTheirNewTier() throws Exception {
        Path config = config("0s");
        byte[] log = CiLogGenerator.generate(4, 400_000);
        assertThat(cli(log, config, "append", "done-1", "--chunk-size", "4096").code()).isZero();
        assertThat(cli(new byte[0], config, "seal", "done-1").code()).isZero();
        assertThat(cli(log, config, "append", "running", "--chunk-size", "4096").code()).isZero();

        Result plan = cli(new byte[0], config, "archive", "--dry-run");
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.outText()).contains("would move done-1 ssd -> hdd (" + log.length + " bytes)").doesNotContain("running");
        assertThat(cli(new byte[0], config, "stat", "done-1").outText()).contains("tier:          ssd");

        Result archive = cli(new byte[0], config, "archive", "--once");
        assertThat(archive.code()).as(archive.err()).isZero();
        assertThat(archive.outText()).startsWith("moved 1 logs (");
        assertThat(archive.err()).as("plain progress off a terminal").contains("archive: 1/1 logs");
        assertThat(cli(new byte[0], config, "stat", "done-1").outText()).contains("tier:          hdd").contains("sealed:        true");
        assertThat(cli(new byte[0], config, "cat", "done-1").out()).isEqualTo(log);
        assertThat(cli(new byte[0], config, "cat", "running").out()).isEqualTo(log);
        assertThat(cli(new byte[0], config, "verify", "--all").code()).isZero();
        assertThat(cli(new byte[0], config, "ls").outText()).isEqualTo("done-1\nrunning\n");
        // The source copy is gone: the log lives in exactly one tier.
        try (var files = Files.walk(dir.resolve("ssd"))) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("done-1"))).isEmpty();
        }
        Result again = cli(new byte[0], config, "archive");
        assertThat(again.outText()).startsWith("moved 0 logs");
    }

    @Test
    void aWorkerKilledMidJobLeavesAnOpenLogThatTheNextPassSealsAsIncomplete() throws Exception {
        Path config = config("7d");
        Files.writeString(config, Files.readString(config) + "  sweep-idle: 1s\n");
        Process worker = ChildJvm.java(Cinchlog.class.getName(), "--config", config.toString(), "run", "--job", "lost",
                        "--", "sh", "-c", "echo started; exec sleep 120")
                .redirectErrorStream(true).redirectOutput(dir.resolve("worker.out").toFile()).start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!cli(new byte[0], config, "cat", "lost").outText().equals("started\n")) {
                assertThat(System.nanoTime()).as("the worker's first line is stored").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(1_200); // idle for longer than sweep-idle, but the worker still holds the log
            Result alive = cli(new byte[0], config, "archive", "--once");
            assertThat(alive.outText()).as("a live worker is never cut off").doesNotContain("sealed lost")
                    .contains("1 idle logs still held by a writer");
            assertThat(cli(new byte[0], config, "stat", "lost").outText()).contains("status:        open\n");
        } finally {
            worker.destroyForcibly(); // kill -9: the worker never seals
            worker.waitFor();
            worker.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        Result dry = cli(new byte[0], config, "archive", "--dry-run");
        assertThat(dry.outText()).contains("would seal lost as incomplete");
        Result swept = cli(new byte[0], config, "archive", "--once");
        assertThat(swept.code()).as(swept.err()).isZero();
        assertThat(swept.outText()).containsPattern("sealed lost \\(8 bytes, no output for \\d+s, no writer\\): incomplete, worker lost\n")
                .contains("swept 1 abandoned logs");
        Result stat = cli(new byte[0], config, "stat", "lost");
        assertThat(stat.outText()).contains("status:        incomplete: worker lost\n").contains("sealed:        true");
        Result json = cli(new byte[0], config, "stat", "--json", "lost");
        assertThat(json.outText()).contains("\"status\":\"incomplete\"").contains("\"statusDetail\":\"worker lost\"");
        assertThat(cli(new byte[0], config, "cat", "lost").outText()).isEqualTo("started\n");
        assertThat(cli(new byte[0], config, "archive", "--once").outText()).doesNotContain("sealed lost");
    }

    @Test
    void logsYoungerThanTheRuleStay() throws Exception {
        Path config = config("7d");
        assertThat(cli("x\n".getBytes(), config, "append", "young").code()).isZero();
        assertThat(cli(new byte[0], config, "seal", "young").code()).isZero();
        assertThat(cli(new byte[0], config, "archive", "--dry-run").outText()).contains("0 moves");
        assertThat(cli(new byte[0], config, "archive", "--watch", "--passes", "2", "--interval", "10ms").outText())
                .isEqualTo("moved 0 logs (0 B), 0 resumed, 0 newly recorded, 0 failed\n".repeat(2));
        assertThat(cli(new byte[0], config, "stat", "young").outText()).contains("tier:          ssd");
    }

    @Test
    void archiveNeedsATieredStore() {
        Result r = run("archive");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("log store is 'fs'");
        assertThat(run("archive", "--once", "--watch").code()).isEqualTo(2);
        assertThat(run("archive", "--passes", "2").code()).isEqualTo(2);
    }

    @Test
    void cleanupDeletesFinishedJobsLogsInEveryTierAndLeavesNothingBehind() throws Exception {
        Path config = config("0s");
        assertThat(cli(new byte[0], config, "run", "--job", "old-archived", "--", "sh", "-c", "echo archived").code()).isZero();
        assertThat(cli(new byte[0], config, "archive", "--once").outText()).startsWith("moved 1 logs");
        assertThat(cli(new byte[0], config, "run", "--job", "old-hot", "--", "sh", "-c", "echo hot").code()).isZero();
        assertThat(cli(new byte[0], config, "stat", "old-archived").outText()).contains("tier:          hdd");
        assertThat(cli(new byte[0], config, "stat", "old-hot").outText()).contains("tier:          ssd");

        // `run` registers its job; the server records how jobs end. Here both finished 40 days ago.
        try (dev.cinch.metadata.Metadata md = dev.cinch.metadata.Metadata.open(
                dev.cinch.logs.config.CinchConfig.load(java.util.Optional.of(config), Map.of("CINCH_DATA_DIR",
                        dir.resolve("data").toString()), Map.of()),
                java.time.Clock.fixed(java.time.Instant.now().minus(java.time.Duration.ofDays(40)), java.time.ZoneOffset.UTC))) {
            for (String id : new String[] {"old-archived", "old-hot"}) {
                dev.cinch.logs.JobId job = dev.cinch.logs.JobId.of(id);
                md.store().updateJobStatus(job, dev.cinch.metadata.JobStatusUpdate.running(null));
                md.store().updateJobStatus(job, dev.cinch.metadata.JobStatusUpdate.finished(dev.cinch.metadata.JobStatus.SUCCESS, 0, null));
            }
        }
        Result dry = cli(new byte[0], config, "cleanup", "--retention", "30d", "--dry-run");
        assertThat(dry.outText()).contains("jobs would be deleted: 2");
        assertThat(cli(new byte[0], config, "ls").outText()).isEqualTo("old-archived\nold-hot\n");

        Result cleanup = cli(new byte[0], config, "cleanup", "--retention", "30d");
        assertThat(cleanup.code()).as(cleanup.err()).isZero();
        assertThat(cleanup.outText()).contains("jobs deleted: 2").contains("logs deleted: 2");
        assertThat(cli(new byte[0], config, "ls").outText()).isEmpty();
        for (String tier : new String[] {"ssd", "hdd"}) {
            try (var files = Files.walk(dir.resolve(tier))) {
                assertThat(files.filter(p -> p.getFileName().toString().startsWith("old-"))).as(tier).isEmpty();
            }
        }
        assertThat(cli(new byte[0], config, "archive", "--dry-run").outText()).contains("0 moves");
    }
}
