package dev.cinch.metadata;

import dev.cinch.sql.Database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many writers through two pools (as two server processes would) on one SQLite file: with BEGIN IMMEDIATE every
 * write transaction waits for the lock through the busy timeout instead of failing with SQLITE_BUSY.
 */
class SqliteConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void concurrentReadModifyWriteTransactionsNeverFailWithBusy() throws Exception {
        String file = dir.resolve("cinch.db").toString();
        try (Metadata a = Metadata.of(Database.sqlite(file, 4, Duration.ofSeconds(30)), EncryptionKeys.none(), 4, Clock.systemUTC());
             Metadata b = Metadata.of(Database.sqlite(file, 4, Duration.ofSeconds(30)), EncryptionKeys.none(), 4, Clock.systemUTC())) {
            a.migrate();
            Repo repo = a.store().createRepo(new NewRepo("github", "o", "n", "u", "h", false, null, null));
            int threads = 8;
            int perThread = 25;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CyclicBarrier start = new CyclicBarrier(threads);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    MetadataStore s = (t % 2 == 0 ? a : b).store();
                    results.add(pool.submit(() -> {
                        start.await();
                        int done = 0;
                        for (int i = 0; i < perThread; i++) {
                            // Each status update reads the status, then writes: the pattern that fails with
                            // SQLITE_BUSY under deferred transactions.
                            Job j = s.createJob(NewJob.of(repo.id(), "c", "main", "x"));
                            s.updateJobStatus(j.id(), JobStatusUpdate.running(null));
                            s.updateJobStatus(j.id(), JobStatusUpdate.of(JobStatus.SUCCESS, 0));
                            done++;
                        }
                        return done;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : results) {
                    total += f.get(120, TimeUnit.SECONDS);
                }
                assertThat(total).isEqualTo(threads * perThread);
            } finally {
                pool.shutdownNow();
            }
            assertThat(b.store().listJobs(JobFilter.all().status(JobStatus.SUCCESS), null, 1000).items())
                    .hasSize(threads * perThread);
        }
    }
}
