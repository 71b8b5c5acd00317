package dev.cinch.logs.tiered;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.fs.FsDamage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The archival job on real fs tiers and a real SQLite file: rules, every resumable state, failures, concurrency. */
class ArchiverTest {
    @TempDir
    Path dataDir;

    private static final Archiver.Listener QUIET = new Archiver.Listener() {
    };

    private static byte[] readAll(LogStore store, JobId job) {
        LogStat s = store.stat(job);
        return store.readRange(job, 0, (int) s.rawBytes());
    }

    /** Where the log's bytes are stored, tier by tier, behind the tiered store's back. */
    private List<String> holders(TieredFixture f, JobId job) {
        List<String> holders = new ArrayList<>();
        for (String tier : List.of("hot", "warm", "cold")) {
            try (LogStore s = f.tierStore(tier)) {
                if (s.exists(job)) {
                    holders.add(tier);
                }
            }
        }
        return holders;
    }

    @Test
    void aPassMovesEligibleLogsDownEveryTierWhoseRuleHoldsAndLeavesOneCopy() {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.cold.archive-after", "3d"));
        try (TieredLogStore store = f.open()) {
            JobId a = JobId.of("a");
            byte[] log = TieredFixture.writeSealed(store, a, 1, 300_000);
            JobId open = JobId.of("open");
            store.append(open, new dev.cinch.logs.LogChunk(0, dev.cinch.logs.LogStream.STDOUT, 1, "x\n".getBytes()));
            try (Archiver archiver = store.archiver("test")) {
                assertThat(archiver.plan()).extracting(Archiver.Move::job, Archiver.Move::from, Archiver.Move::to)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(a, "hot", "warm"));
                Archiver.Report r = archiver.runOnce(QUIET);
                assertThat(r.moved()).isEqualTo(1);
                assertThat(r.bytesMoved()).isEqualTo(log.length);
                assertThat(r.failures()).isEmpty();
            }
            assertThat(store.stat(a).tier()).isEqualTo("warm");
            assertThat(readAll(store, a)).isEqualTo(log);
            assertThat(holders(f, a)).containsExactly("warm");
            assertThat(store.stat(open).tier()).isEqualTo("hot");
        }
        // Three days later the cold tier's rule holds too.
        try (TieredLogStore later = f.open(TieredFixture.ahead(Duration.ofDays(3).plusMinutes(1)));
             Archiver archiver = later.archiver("test")) {
            assertThat(archiver.runOnce(QUIET).moved()).isEqualTo(1);
            assertThat(later.stat(JobId.of("a")).tier()).isEqualTo("cold");
            assertThat(holders(f, JobId.of("a"))).containsExactly("cold");
            assertThat(later.verify(JobId.of("a")).ok()).isTrue();
        }
    }

    @Test
    void largeLogsLeaveEarlyBySizeAndSmallOnesWaitForTheirAge() {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.warm.archive-after", "1d",
                "tiered.warm.archive-larger-than", "200KiB", "tiered.cold.archive-after", "30d"));
        try (TieredLogStore store = f.open(); Archiver archiver = store.archiver("test")) {
            TieredFixture.writeSealed(store, JobId.of("big"), 2, 400_000);
            TieredFixture.writeSealed(store, JobId.of("small"), 3, 50_000);
            assertThat(archiver.runOnce(QUIET).moved()).isEqualTo(1);
            assertThat(store.stat(JobId.of("big")).tier()).isEqualTo("warm");
            assertThat(store.stat(JobId.of("small")).tier()).isEqualTo("hot");
        }
    }

    /** Puts the move of {@code job} hot → warm in {@code state}, as an archiver killed right after that step leaves it. */
    private void stopAt(TieredLogStore store, JobId job, MoveState state) {
        LocationRecords r = store.records();
        long now = System.currentTimeMillis();
        assertThat(r.claim(job, "hot", "warm", "killed", now, now)).isTrue(); // lease already over
        if (state == MoveState.COPY_STARTED) {
            return;
        }
        LogStore warm = store.tier("warm", job).store();
        java.io.ByteArrayOutputStream archive = new java.io.ByteArrayOutputStream();
        store.tier("hot", job).store().exportArchive(job, archive);
        warm.importArchive(job, new java.io.ByteArrayInputStream(archive.toByteArray()));
        assertThat(r.copied(job, "killed", now)).isTrue();
        if (state == MoveState.COPIED) {
            return;
        }
        assertThat(r.switchToDestination(job, "hot", "warm", "killed", now)).isTrue();
    }

    @Test
    void everyStateAnArchiverCanStopInIsReadableFromOneTierAndResumedByTheNextPass() {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.cold.archive-after", "30d"));
        try (TieredLogStore store = f.open()) {
            List<JobId> jobs = new ArrayList<>();
            List<byte[]> logs = new ArrayList<>();
            for (MoveState state : List.of(MoveState.COPY_STARTED, MoveState.COPIED, MoveState.SOURCE_DELETE_STARTED)) {
                JobId job = JobId.of("stopped-" + state.name().toLowerCase());
                logs.add(TieredFixture.writeSealed(store, job, state.ordinal(), 200_000));
                jobs.add(job);
                stopAt(store, job, state);
                assertThat(readAll(store, job)).isEqualTo(logs.get(logs.size() - 1));
                assertThat(store.stat(job).tier()).isEqualTo(state == MoveState.SOURCE_DELETE_STARTED ? "warm" : "hot");
            }
            // A partial copy: the copy step may have left a staged or complete archive in the destination. Here a
            // complete one, which the resumed copy must accept as the same content.
            try (Archiver next = store.archiver("next")) {
                assertThat(next.plan()).hasSize(3).allSatisfy(m -> assertThat(m.state()).isNotEqualTo(MoveState.RESIDENT));
                Archiver.Report r = next.runOnce(QUIET);
                assertThat(r.resumed()).isEqualTo(3);
                assertThat(r.failures()).isEmpty();
            }
            for (int i = 0; i < jobs.size(); i++) {
                assertThat(store.stat(jobs.get(i)).tier()).isEqualTo("warm");
                assertThat(readAll(store, jobs.get(i))).isEqualTo(logs.get(i));
                assertThat(holders(f, jobs.get(i))).containsExactly("warm");
                assertThat(store.records().find(jobs.get(i)).orElseThrow().state()).isEqualTo(MoveState.RESIDENT);
            }
        }
    }

    @Test
    void aLiveLeaseIsNotTakenOver() {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.cold.archive-after", "30d"));
        try (TieredLogStore store = f.open(); Archiver other = store.archiver("other")) {
            JobId job = JobId.of("held");
            TieredFixture.writeSealed(store, job, 7, 50_000);
            long now = System.currentTimeMillis();
            assertThat(store.records().claim(job, "hot", "warm", "alive", now + 60_000, now)).isTrue();
            Archiver.Report r = other.runOnce(QUIET);
            assertThat(r.moved() + r.resumed()).isZero();
            assertThat(store.records().find(job).orElseThrow().leaseOwner()).isEqualTo("alive");
        }
    }

    @Test
    void aDamagedSourceIsNotMovedTheMoveRollsBackAndIsReported() throws Exception {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.cold.archive-after", "30d"));
        JobId job = JobId.of("damaged");
        try (TieredLogStore store = f.open()) {
            TieredFixture.writeSealed(store, job, 9, 300_000);
        }
        FsDamage.damageArchive(f.root("hot"), job);
        try (TieredLogStore store = f.open(); Archiver archiver = store.archiver("test")) {
            Archiver.Report r = archiver.runOnce(QUIET);
            assertThat(r.moved()).isZero();
            assertThat(r.failures()).singleElement().asString().contains("job damaged").contains("rolled back")
                    .contains("archive byte").contains("(tier 'hot')");
            assertThat(holders(f, job)).containsExactly("hot");
            Location at = store.records().find(job).orElseThrow();
            assertThat(at.state()).isEqualTo(MoveState.RESIDENT);
            assertThat(at.tier()).isEqualTo("hot");
            assertThatThrownBy(() -> readAll(store, job)).isInstanceOf(CorruptLogException.class)
                    .hasMessageStartingWith("job damaged (tier 'hot'): ")
                    .satisfies(e -> assertThat(((CorruptLogException) e).tier()).contains("hot"));
        }
    }

    @Test
    void errorsRaisedInsideATierNameThatTierNotJustItsBackend() throws Exception {
        // warm and cold are both fs: only the tier's name tells an operator which disk holds the damaged archive.
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.cold.archive-after", "30d"));
        JobId job = JobId.of("moved-then-damaged");
        try (TieredLogStore store = f.open(); Archiver archiver = store.archiver("test")) {
            TieredFixture.writeSealed(store, job, 9, 300_000);
            assertThat(archiver.runOnce(QUIET).moved()).isEqualTo(1);
            assertThat(store.stat(job).tier()).isEqualTo("warm");
        }
        FsDamage.damageArchive(f.root("warm"), job);
        try (TieredLogStore store = f.open()) {
            assertThatThrownBy(() -> readAll(store, job)).isInstanceOf(CorruptLogException.class)
                    .hasMessageStartingWith("job moved-then-damaged (tier 'warm'): ");
            assertThat(store.verify(job).tier()).isEqualTo("warm");
            assertThat(store.verify(job).problems()).isNotEmpty();
            // A write refused by the hot tier names it too, and keeps its type and fields.
            JobId fresh = JobId.of("fresh");
            assertThatThrownBy(() -> store.append(fresh, new dev.cinch.logs.LogChunk(3, dev.cinch.logs.LogStream.STDOUT, 1, new byte[] {1})))
                    .isInstanceOfSatisfying(dev.cinch.logs.SequenceGapException.class, e -> {
                        assertThat(e.expectedSeq()).isZero();
                        assertThat(e.tier()).contains("hot");
                        assertThat(e.getMessage()).startsWith("job fresh (tier 'hot'): ");
                    });
        }
    }

    @Test
    void deletingALogRemovesItFromEveryTierAndItsRecord() {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.cold.archive-after", "30d"));
        try (TieredLogStore store = f.open()) {
            JobId job = JobId.of("gone");
            TieredFixture.writeSealed(store, job, 11, 100_000);
            stopAt(store, job, MoveState.COPIED); // copies in hot and warm
            assertThat(holders(f, job)).containsExactly("hot", "warm");
            store.delete(job);
            assertThat(holders(f, job)).isEmpty();
            assertThat(store.records().find(job)).isEmpty();
            assertThat(store.exists(job)).isFalse();
        }
    }

    @Test
    @Timeout(300)
    void twoArchiversAndReadersAtOnceMoveEachLogOnceAndReadersAlwaysSeeTheBytes() throws Exception {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.warm.archive-after", "0s", "tiered.cold.archive-after", "0s"));
        int logs = 24;
        List<byte[]> expected = new ArrayList<>();
        try (TieredLogStore store = f.open()) {
            for (int i = 0; i < logs; i++) {
                expected.add(TieredFixture.writeSealed(store, JobId.of("c-" + i), 100 + i, 60_000 + i * 7_000));
            }
        }
        try (TieredLogStore a = f.open(); TieredLogStore b = f.open(); TieredLogStore reader = f.open();
             Archiver one = a.archiver("one"); Archiver two = b.archiver("two")) {
            AtomicBoolean done = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
            Thread readers = new Thread(() -> {
                java.util.Random rnd = new java.util.Random(5);
                while (!done.get()) {
                    int i = rnd.nextInt(logs);
                    try {
                        byte[] got = readAll(reader, JobId.of("c-" + i));
                        if (!java.util.Arrays.equals(got, expected.get(i))) {
                            problems.add(new AssertionError("c-" + i + " read wrong bytes"));
                        }
                    } catch (Throwable t) {
                        problems.add(t);
                    }
                }
            });
            readers.start();
            Archiver.Report[] reports = new Archiver.Report[2];
            Thread t1 = new Thread(() -> reports[0] = one.runOnce(QUIET));
            Thread t2 = new Thread(() -> reports[1] = two.runOnce(QUIET));
            t1.start();
            t2.start();
            t1.join();
            t2.join();
            done.set(true);
            readers.join();
            assertThat(problems).isEmpty();
            assertThat(reports[0].failures()).isEmpty();
            assertThat(reports[1].failures()).isEmpty();
            assertThat(reports[0].moved() + reports[1].moved()).as("two moves per log, each made once").isEqualTo(2 * logs);
            for (int i = 0; i < logs; i++) {
                JobId job = JobId.of("c-" + i);
                assertThat(reader.stat(job).tier()).isEqualTo("cold");
                assertThat(holders(f, job)).containsExactly("cold");
                assertThat(readAll(reader, job)).isEqualTo(expected.get(i));
            }
        }
    }

    private static byte[] export(LogStore store, JobId job) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        store.exportArchive(job, out);
        return out.toByteArray();
    }

    @Test
    void aTierWithOtherArchiveOptionsReencodesTheLogOnItsWayInUnlessToldNotTo() {
        for (boolean recompress : new boolean[] {true, false}) {
            Path dir = dataDir.resolve("recompress-" + recompress);
            TieredFixture f = new TieredFixture(dir, Map.of("tiered.warm.fs.archive-frame-size", "1MiB",
                    "tiered.warm.fs.archive-level", "17", "tiered.warm.recompress", String.valueOf(recompress),
                    "tiered.cold.archive-after", "30d"));
            try (TieredLogStore store = f.open(); Archiver archiver = store.archiver("test")) {
                JobId job = JobId.of("re");
                byte[] log = TieredFixture.writeSealed(store, job, 21, 2_000_000);
                byte[] asSealed = export(store, job);
                long storedHot = store.stat(job).storedBytes();
                assertThat(archiver.runOnce(QUIET).failures()).isEmpty();
                LogStat moved = store.stat(job);
                assertThat(moved.tier()).isEqualTo("warm");
                assertThat(readAll(store, job)).isEqualTo(log);
                assertThat(store.readChunks(job, 0, 10_000)).hasSize((int) moved.chunks());
                assertThat(store.verify(job).ok()).isTrue();
                if (recompress) {
                    assertThat(export(store, job)).isNotEqualTo(asSealed);
                    assertThat(moved.storedBytes()).as("level 17, 1 MiB frames against level 7, 256 KiB").isLessThan(storedHot);
                } else {
                    assertThat(export(store, job)).isEqualTo(asSealed);
                }
            }
        }
    }

    @Test
    void aFollowerOfALogThatMovesAwayUnderItGoesOnFromTheNewTier() throws Exception {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.move-at-seal", "true", "tiered.cold.archive-after", "30d"));
        try (TieredLogStore store = f.open()) {
            JobId job = JobId.of("followed");
            List<byte[]> parts = dev.cinch.logs.testkit.CiLogGenerator.split(
                    dev.cinch.logs.testkit.CiLogGenerator.generate(31, 300_000), 31, 4096);
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            try (dev.cinch.logs.LogFollower follower = store.follow(job, 0)) {
                for (int i = 0; i < parts.size(); i++) {
                    store.append(job, new dev.cinch.logs.LogChunk(i, dev.cinch.logs.LogStream.STDOUT, i, parts.get(i)));
                    expected.write(parts.get(i));
                    if (i == 3) {
                        follower.poll(Duration.ofSeconds(5)); // it has started in the hot tier
                    }
                }
                store.seal(job); // moves the log to warm and deletes it from hot before the follower read the rest
                assertThat(store.stat(job).tier()).isEqualTo("warm");
                java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                for (dev.cinch.logs.LogChunk c : store.readChunks(job, 0, 4)) {
                    got.write(c.data());
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!follower.isFinished() && System.nanoTime() < deadline) {
                    for (dev.cinch.logs.LogChunk c : follower.poll(Duration.ofMillis(200))) {
                        got.write(c.data());
                    }
                }
                assertThat(follower.isFinished()).isTrue();
                assertThat(got.toByteArray()).isEqualTo(expected.toByteArray());
            }
        }
    }
}
