package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.testkit.CiLogGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Several processes on one fs data dir: none disturbs another's work in progress. */
class FsProcessesTest {
    @TempDir
    Path dataDir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.toHandle().destroyForcibly();
        }
        for (Process p : children) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private LogStore open(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("data-dir", dataDir.toString()));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return LogStores.fromClassPath().open(CinchConfig.of(m));
    }

    private Process child(Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(FsCrashTest.javaBinary(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", FsCrashTest.classPath(), main.getName(), dataDir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        return p;
    }

    /**
     * POSIX record locks belong to the process and go when it closes ANY descriptor of the locked file: reads of an
     * open log in the writing process (a follower, a tail, a stat, a second store instance) open and close the log's
     * files. The writer role must survive them: another process is still refused.
     */
    @Test
    @Timeout(120)
    void theWriterKeepsItsRoleWhileItsOwnProcessReadsTheLog() throws Exception {
        JobId job = JobId.of("held");
        try (LogStore writer = open(); LogStore reader = open()) {
            for (int seq = 0; seq < 20; seq++) {
                writer.append(job, new LogChunk(seq, LogStream.STDOUT, seq, ("line " + seq + "\n").getBytes(StandardCharsets.US_ASCII)));
            }
            for (LogStore s : List.of(writer, reader)) {
                s.stat(job);
                s.readRange(job, 0, 10);
                s.readTailLines(job, 3);
                s.readChunks(job, 0, 5);
                s.readLines(job, 2, 3);
                s.verify(job);
                try (var matches = s.search(job, "line", dev.cinch.logs.text.SearchOptions.defaults())) {
                    assertThat(matches.count()).isEqualTo(20);
                }
            }
            Process other = child(TryAppend.class, "held", "20");
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String said = new String(other.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertThat(said).as("another process appending while this one writes").isEqualTo("LOCKED");
            writer.append(job, new LogChunk(20, LogStream.STDOUT, 20, "mine\n".getBytes(StandardCharsets.US_ASCII)));
        }
        // Once the writer is gone, the role is free again.
        Process after = child(TryAppend.class, "held", "21");
        assertThat(after.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(after.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim()).isEqualTo("APPENDED");
    }

    /**
     * A seal writes its archive to tmp/ for seconds; 20 other processes meanwhile open the store (each open sweeps
     * tmp/), list, stat and read, and also sweep with no age bound at all. Every seal succeeds.
     */
    @Test
    @Timeout(300)
    void sealsSucceedWhileTwentyOtherProcessesOpenReadListAndSweep() throws Exception {
        byte[] log = CiLogGenerator.generate(7, 2 << 20);
        List<JobId> jobs = List.of(JobId.of("big-0"), JobId.of("big-1"));
        try (LogStore writer = open("fs.durability", "none")) {
            for (JobId job : jobs) {
                long seq = 0;
                for (int at = 0; at < log.length; at += 256 << 10) {
                    writer.append(job, new LogChunk(seq++, LogStream.STDOUT, seq,
                            Arrays.copyOfRange(log, at, Math.min(log.length, at + (256 << 10)))));
                }
            }
        }
        List<BufferedReader> outs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Process p = child(StoreChurn.class, jobs.get(i % jobs.size()).value());
            outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)));
        }
        for (BufferedReader out : outs) {
            assertThat(out.readLine()).isEqualTo("READY");
        }
        // Level 19 makes each seal take seconds, so the other processes churn all through it.
        try (LogStore sealer = open("fs.archive-level", "19")) {
            for (JobId job : jobs) {
                long t0 = System.nanoTime();
                sealer.seal(job);
                System.out.printf("seal of %s under churn: %d ms%n", job, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                LogStat stat = sealer.stat(job);
                assertThat(stat.sealed()).isTrue();
                assertThat(stat.rawBytes()).isEqualTo(log.length);
                assertThat(sealer.readRange(job, 0, log.length)).isEqualTo(log);
            }
        }
        for (Process p : children) {
            assertThat(p.isAlive()).as("the churning processes kept going").isTrue();
        }
    }

    /**
     * A worker killed mid-log resumes by asking the store where the log ends and appending the rest, with a chunk
     * size of its own each time. After every kill a reader sees every intact chunk (the same ones the next writer's
     * recovery keeps), so the resumed appends never collide with a chunk the reader did not show.
     */
    @Test
    @Timeout(300)
    void resumingAfterKillDashNineWorksWithAnyChunkSize() throws Exception {
        JobId job = JobId.of("resumed");
        byte[] log = ResumingAppender.log();
        Random rnd = new Random(99);
        long acked = 0;
        for (int round = 0; round <= 30; round++) {
            int chunkSize = 1 + rnd.nextInt(rnd.nextBoolean() ? 300 : 40_000);
            Process p = child(ResumingAppender.class, job.value(), String.valueOf(chunkSize));
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
            String first = out.readLine();
            assertThat(first).as("round %d start", round).startsWith("RESUMING ");
            assertThat(Long.parseLong(first.substring(9))).as("round %d resumes at or after every ack", round)
                    .isGreaterThanOrEqualTo(acked);
            boolean last = round == 30;
            Thread killer = null;
            if (!last) {
                long delay = 30 + rnd.nextInt(250);
                killer = new Thread(() -> {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        return;
                    }
                    p.toHandle().destroyForcibly();
                });
                killer.start();
            }
            String line;
            boolean done = false;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked = Math.max(acked, Long.parseLong(line.substring(4)));
                } else if (line.equals("DONE")) {
                    done = true;
                }
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            if (killer != null) {
                killer.join();
            }
            try (LogStore reader = open()) {
                LogStat stat = reader.stat(job);
                assertThat(stat.rawBytes()).as("round %d: every acknowledged byte is there", round).isGreaterThanOrEqualTo(acked);
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                for (long at = 0; at < stat.rawBytes(); at += 1 << 20) {
                    got.writeBytes(reader.readRange(job, at, 1 << 20));
                }
                assertThat(got.toByteArray()).as("round %d: the stored bytes are a prefix of the log", round)
                        .isEqualTo(Arrays.copyOf(log, (int) stat.rawBytes()));
            }
            if (last) {
                assertThat(done).as("the last round runs to the end").isTrue();
            }
        }
        try (LogStore reader = open()) {
            assertThat(reader.stat(job).rawBytes()).isEqualTo(log.length);
        }
    }
}
