package dev.cinch.logs.tiered;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStatus;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sweeper of abandoned open logs on real fs tiers and a real SQLite file. */
class SweeperTest {
    @TempDir
    Path dataDir;

    private static final long TWO_HOURS_AGO = System.currentTimeMillis() - Duration.ofHours(2).toMillis();

    private static byte[] write(LogStore store, JobId job, long timestamp, int chunks) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int seq = 0; seq < chunks; seq++) {
            byte[] data = ("step " + seq + " of " + job + "\n").getBytes(StandardCharsets.UTF_8);
            store.append(job, new LogChunk(seq, LogStream.STDOUT, timestamp + seq, data));
            all.writeBytes(data);
        }
        return all.toByteArray();
    }

    private static byte[] readAll(LogStore store, JobId job) {
        return store.readRange(job, 0, (int) store.stat(job).rawBytes());
    }

    @Test
    void sealsIdleLogsNoWriterHoldsAsIncompleteAndLeavesEveryOtherLogAlone() {
        TieredFixture f = new TieredFixture(dataDir);
        JobId lost = JobId.of("lost");
        JobId quietButAlive = JobId.of("quiet-but-alive");
        JobId recent = JobId.of("recent");
        JobId done = JobId.of("done");
        JobId emptyLost = JobId.of("empty-lost");
        JobId own = JobId.of(JobId.RESERVED_PREFIX + "0123_t0");
        byte[] lostBytes;
        try (TieredLogStore worker = f.open()) {
            lostBytes = write(worker, lost, TWO_HOURS_AGO, 5);
            write(worker, recent, System.currentTimeMillis(), 3);
            write(worker, done, TWO_HOURS_AGO, 2);
            worker.seal(done);
            write(worker, own, TWO_HOURS_AGO, 2);
            worker.openWriter(emptyLost).close(); // the job started, printed nothing, and its worker died
        } // every writer is gone now, as after a crash
        try (TieredLogStore alive = f.open(); LogWriter session = alive.openWriter(quietButAlive)) {
            byte[] line = "compiling...\n".getBytes(StandardCharsets.UTF_8);
            session.append(LogStream.STDOUT, TWO_HOURS_AGO, line, 0, line.length);
            try (TieredLogStore sweeping = f.open()) {
                Sweeper sweeper = sweeping.sweeper(sweeping);
                assertThat(sweeper.plan()).extracting(Sweeper.Swept::job)
                        .containsExactlyInAnyOrder(lost, quietButAlive, emptyLost);
                Sweeper.Report report = sweeper.runOnce();
                assertThat(report.failures()).isEmpty();
                assertThat(report.sealed()).extracting(Sweeper.Swept::job).containsExactlyInAnyOrder(lost, emptyLost);
                assertThat(report.heldByWriter()).as("a live writer's session is never cut off").isEqualTo(1);

                LogStat st = sweeping.stat(lost);
                assertThat(st.sealed()).isTrue();
                assertThat(st.status()).isEqualTo(LogStatus.incomplete(LogStatus.WORKER_LOST));
                assertThat(st.status().toString()).isEqualTo("incomplete: worker lost");
                assertThat(LogStatus.check(sweeping, lost)).isEqualTo(LogStatus.incomplete(LogStatus.WORKER_LOST));
                assertThat(readAll(sweeping, lost)).as("sealing lost nothing").isEqualTo(lostBytes);
                assertThat(sweeping.stat(emptyLost).status().kind()).isEqualTo(LogStatus.Kind.INCOMPLETE);
                assertThat(sweeping.stat(done).status()).as("sealed by its job").isEqualTo(LogStatus.COMPLETE);
                assertThat(sweeping.stat(recent).status()).isEqualTo(LogStatus.OPEN);
                assertThat(sweeping.stat(quietButAlive).status()).isEqualTo(LogStatus.OPEN);
                assertThat(sweeping.stat(own).sealed()).as("the store's own records are left to their policy").isFalse();
                assertThat(sweeper.runOnce().sealed()).as("a second sweep finds nothing new").isEmpty();
            }
            // The quiet job goes on and seals its log itself: complete.
            session.append(LogStream.STDOUT, System.currentTimeMillis(), line, 0, line.length);
            session.close();
            alive.seal(quietButAlive);
            assertThat(alive.stat(quietButAlive).status()).isEqualTo(LogStatus.COMPLETE);
        }
    }

    @Test
    void aMarkLeftByACrashBeforeTheSealShowsOpenUntilTheNextSweepSealsIt() {
        TieredFixture f = new TieredFixture(dataDir);
        JobId job = JobId.of("crashed-sweep");
        try (TieredLogStore store = f.open()) {
            byte[] log = write(store, job, TWO_HOURS_AGO, 4);
            store.records().markIncomplete(job, LogStatus.WORKER_LOST, System.currentTimeMillis());
            assertThat(store.stat(job).status()).isEqualTo(LogStatus.OPEN);
            store.close();
            try (TieredLogStore next = f.open()) {
                assertThat(next.sweeper(next).runOnce().sealed()).extracting(Sweeper.Swept::job).containsExactly(job);
                assertThat(next.stat(job).status()).isEqualTo(LogStatus.incomplete(LogStatus.WORKER_LOST));
                assertThat(readAll(next, job)).isEqualTo(log);
            }
        }
    }

    @Test
    void theMarkMovesDownWithTheLogAndGoesWithItsDelete() {
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.sweep-idle", "30m"));
        JobId job = JobId.of("moved");
        try (TieredLogStore worker = f.open()) {
            write(worker, job, TWO_HOURS_AGO, 3);
        }
        try (TieredLogStore store = f.open()) {
            assertThat(store.sweeper(store).runOnce().sealed()).hasSize(1);
            try (Archiver archiver = store.archiver("test")) {
                assertThat(archiver.runOnce(new Archiver.Listener() {
                }).moved()).as("down both tiers in one pass").isEqualTo(2);
            }
            assertThat(store.stat(job).tier()).isEqualTo("cold");
            assertThat(store.stat(job).status().kind()).isEqualTo(LogStatus.Kind.INCOMPLETE);
            store.delete(job);
            // A new job under the same id (ids are reused after retention) starts with a clean slate.
            write(store, job, System.currentTimeMillis(), 2);
            store.seal(job);
            assertThat(store.stat(job).status()).isEqualTo(LogStatus.COMPLETE);
        }
    }
}
