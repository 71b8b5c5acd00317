package dev.cinch.logs.tiered;

import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a child JVM in the middle of an archival pass (hot → warm → cold, fs tiers, SQLite records),
 * 50 rounds. After every kill each log reads byte-exact through the tiered store from the one tier its record
 * names (every log a move may have touched each round, all of them every tenth round); then a rerun finishes every
 * move, after which each log is in exactly one tier and no tier holds anything else. Each round adds logs, so every
 * child has moves to make.
 */
class ArchiverCrashTest {
    private static final int ROUNDS = 50;
    private static final int LOGS_PER_ROUND = 3;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(900)
    void everyLogReadsFromExactlyOneTierAfterKillDashNineAndTheRerunLeavesNoOrphan() throws Exception {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.warm.archive-after", "0s",
                "tiered.cold.archive-after", "0s"));
        Map<JobId, byte[]> expected = new LinkedHashMap<>();
        Random rnd = new Random(13);
        int killedMidPass = 0;
        for (int round = 0; round < ROUNDS; round++) {
            try (TieredLogStore store = f.open()) {
                for (int i = 0; i < LOGS_PER_ROUND; i++) {
                    JobId job = JobId.of("r" + round + "-" + i);
                    expected.put(job, TieredFixture.writeSealed(store, job, round * 10L + i, 100_000 + rnd.nextInt(900_000)));
                }
            }
            Process child = new ProcessBuilder(javaBinary(), "-cp", classPath(), ArchiverProcess.class.getName(),
                    dataDir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(out.readLine()).as("child start-up, round %d", round).isEqualTo("READY");
            Thread.sleep(rnd.nextInt(250));
            child.toHandle().destroyForcibly();
            String last = null;
            String line;
            while ((line = out.readLine()) != null) {
                last = line;
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (last == null) {
                killedMidPass++;
            }

            // Right after the kill: every log a move may have touched, byte-exact, from the tier its record names
            // (this round's logs, and any log whose move is under way); every log every tenth round and at the end.
            boolean all = round % 10 == 9 || round == ROUNDS - 1;
            try (TieredLogStore store = f.open()) {
                for (Map.Entry<JobId, byte[]> e : expected.entrySet()) {
                    boolean touched = e.getKey().value().startsWith("r" + round + "-")
                            || store.records().find(e.getKey()).orElseThrow().state() != MoveState.RESIDENT;
                    if (all || touched) {
                        assertThat(readAll(store, e.getKey())).as("round %d, %s after kill", round, e.getKey()).isEqualTo(e.getValue());
                    }
                }
            }
            // The rerun: a clock past the killed child's leases, so its moves are taken over at once.
            try (TieredLogStore store = f.open(TieredFixture.ahead(Duration.ofSeconds(3)));
                 Archiver rerun = store.archiver("rerun")) {
                Archiver.Report r = rerun.runOnce(new Archiver.Listener() {
                });
                assertThat(r.failures()).as("round %d", round).isEmpty();
                for (Map.Entry<JobId, byte[]> e : expected.entrySet()) {
                    assertThat(store.stat(e.getKey()).tier()).isEqualTo("cold");
                    assertThat(store.records().find(e.getKey()).orElseThrow().state()).isEqualTo(MoveState.RESIDENT);
                    if (all || e.getKey().value().startsWith("r" + round + "-")) {
                        assertThat(readAll(store, e.getKey())).isEqualTo(e.getValue());
                    }
                }
            }
            // No orphan: hot and warm hold nothing, cold holds exactly the logs.
            for (String tier : List.of("hot", "warm", "cold")) {
                try (LogStore s = f.tierStore(tier)) {
                    TreeSet<String> ids = new TreeSet<>();
                    JobId after = null;
                    do {
                        JobPage page = s.list("", after, 1000);
                        page.jobs().forEach(j -> ids.add(j.value()));
                        after = page.nextStartAfter().orElse(null);
                    } while (after != null);
                    TreeSet<String> want = new TreeSet<>();
                    if (tier.equals("cold")) {
                        expected.keySet().forEach(j -> want.add(j.value()));
                    }
                    assertThat(ids).as("round %d, tier %s", round, tier).isEqualTo(want);
                }
            }
        }
        assertThat(killedMidPass).as("kills that landed before the pass ended").isGreaterThan(ROUNDS / 3);
    }

    private static byte[] readAll(LogStore store, JobId job) {
        LogStat s = store.stat(job);
        return store.readRange(job, 0, (int) s.rawBytes());
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }
}
