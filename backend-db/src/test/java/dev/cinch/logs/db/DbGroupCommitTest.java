package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.metadata.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit under load: 32 jobs appending at once while the writer leases are renewed every third of a second
 * (a 1 s lease), so commits in flight and lease renewals contend for the same {@code log_heads} rows. Every append
 * succeeds (no deadlock, no lost fence) and every log reads back exactly.
 */
class DbGroupCommitTest {
    private static final int JOBS = 32;
    private static final int CHUNKS = 150;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(180)
    void manyJobsAppendingWhileLeasesAreRenewedOnPostgres() throws Exception {
        TestPostgres.requireReachable();
        try (TestPostgres.Schema schema = TestPostgres.freshSchema()) {
            appendConcurrently(Map.of("data-dir", dataDir.toString(), "log-store", "db", "db.writer-lease", "1s",
                    "database.url", schema.databaseUrl()));
        }
    }

    @Test
    @Timeout(180)
    void manyJobsAppendingWhileLeasesAreRenewedOnASqliteFile() throws Exception {
        appendConcurrently(Map.of("data-dir", dataDir.toString(), "log-store", "db", "db.writer-lease", "1s"));
    }

    private static void appendConcurrently(Map<String, String> settings) throws Exception {
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(settings))) {
            ExecutorService pool = Executors.newFixedThreadPool(JOBS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int j = 0; j < JOBS; j++) {
                    int job = j;
                    done.add(pool.submit(() -> {
                        for (int seq = 0; seq < CHUNKS; seq++) {
                            store.append(JobId.of("group-" + job), DbCrashAppender.expected(job, seq));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(150, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            for (int j = 0; j < JOBS; j++) {
                List<LogChunk> all = store.readChunks(JobId.of("group-" + j), 0, CHUNKS + 1);
                assertThat(all).hasSize(CHUNKS);
                for (LogChunk c : all) {
                    assertThat(c).isEqualTo(DbCrashAppender.expected(j, c.seq()));
                }
            }
        }
    }
}
