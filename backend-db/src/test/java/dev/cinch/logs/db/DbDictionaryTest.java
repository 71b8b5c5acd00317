package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.testkit.CiLogGenerator;
import dev.cinch.logs.testkit.LogReference;
import dev.cinch.sql.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dictionaries trained from the deployment's own sealed logs: once {@code db.dictionary-min-logs} logs are sealed the
 * first one is trained automatically; new chunks record its id, read back byte-exact in this and in a new store
 * instance, beside older chunks written without one; on demand training adds the next id.
 */
class DbDictionaryTest {
    @TempDir
    Path dataDir;

    private CinchConfig config() {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "db", "db.dictionary-min-logs", "6",
                "db.dictionary-size", "16KiB"));
    }

    private static List<LogChunk> log(long seed) {
        return LogReference.chunk(CiLogGenerator.generate(seed, 96 * 1024), new Random(seed), 1024);
    }

    @Test
    @Timeout(120)
    void theFirstDictionaryIsTrainedFromSealedLogsAndNewChunksUseIt() throws Exception {
        JobId before = JobId.of("before-dict");
        JobId after = JobId.of("after-dict");
        List<LogChunk> beforeChunks = log(500);
        List<LogChunk> afterChunks = log(500); // the same bytes, so stored sizes compare
        try (LogStore store = LogStores.fromClassPath().open(config())) {
            for (LogChunk c : beforeChunks) {
                store.append(before, c);
            }
            for (int i = 0; i < 6; i++) {
                JobId j = JobId.of("sealed-" + i);
                for (LogChunk c : log(i)) {
                    store.append(j, c);
                }
                store.seal(j);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (dictionaries() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(dictionaries()).as("trained automatically after the 6th seal").isEqualTo(1);
            for (LogChunk c : afterChunks) {
                store.append(after, c);
            }
            assertThat(dictionaryIds(before)).containsOnly(0);
            assertThat(dictionaryIds(after)).contains(1);
            assertThat(store.readChunks(after, 0, 10_000)).isEqualTo(afterChunks);
            assertThat(store.readChunks(before, 0, 10_000)).isEqualTo(beforeChunks);
            assertThat(store.stat(after).storedBytes()).as("stored with the dictionary vs without")
                    .isLessThan(store.stat(before).storedBytes());
        }
        try (LogStore again = LogStores.fromClassPath().open(config())) {
            assertThat(again.readChunks(after, 0, 10_000)).isEqualTo(afterChunks);
            assertThat(again.readChunks(before, 0, 10_000)).isEqualTo(beforeChunks);
            again.seal(after); // the archive has no dictionary: stock zstd decodes it
            assertThat(LogReference.concat(again.readChunks(after, 0, 10_000))).isEqualTo(LogReference.concat(afterChunks));
            try (Database db = Database.sqlite(dataDir.resolve(Database.SQLITE_FILE_NAME).toString(), 1, Duration.ofSeconds(5))) {
                var trained = DictionaryTrainer.train(db, config());
                assertThat(trained).isPresent();
                assertThat(trained.get().dictionary().id()).isEqualTo(2);
                assertThat(trained.get().logs()).isEqualTo(7);
            }
        }
    }

    private int dictionaries() throws Exception {
        return query("SELECT count(*) FROM log_dictionaries", null).get(0);
    }

    private List<Integer> dictionaryIds(JobId job) throws Exception {
        return query("SELECT DISTINCT dictionary_id FROM log_chunks WHERE job_id = ? AND encoding = 1", job.value());
    }

    private List<Integer> query(String sql, String arg) throws Exception {
        try (Database db = Database.sqlite(dataDir.resolve(Database.SQLITE_FILE_NAME).toString(), 1, Duration.ofSeconds(5));
             Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Integer> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
                return out;
            }
        }
    }
}
