package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.testkit.Corpus;
import dev.cinch.logs.testkit.LogReference;
import dev.cinch.metadata.Metadata;
import dev.cinch.metadata.Migrator;
import dev.cinch.metadata.NewJob;
import dev.cinch.metadata.NewRepo;
import dev.cinch.metadata.Repo;
import dev.cinch.sql.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The db store beside the metadata in one database: one pool, two schema components, and export identical to fs. */
class DbStoreWithMetadataTest {
    @TempDir
    Path dataDir;

    private CinchConfig config(String store) {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", store, "tokens.bcrypt-cost", "4"));
    }

    @Test
    void theStoreBorrowsTheMetadataPoolAndNeverClosesIt() throws Exception {
        try (Metadata md = Metadata.open(config("db"))) {
            md.migrate();
            Repo repo = md.store().createRepo(new NewRepo("github", "o", "n", "u", "h", false, null, null));
            JobId job = md.store().createJob(NewJob.of(repo.id(), "c", "main", "x")).id();
            try (LogStore logs = LogStores.fromClassPath().open(config("db"), Map.of(Database.class, md.database()))) {
                logs.append(job, new LogChunk(0, LogStream.STDOUT, 1, "hello\n".getBytes(StandardCharsets.UTF_8)));
                logs.seal(job);
                assertThat(logs.readRange(job, 0, 100)).asString().isEqualTo("hello\n");
            }
            // The store closed; the pool it borrowed is the metadata's and still works.
            assertThat(md.database().isClosed()).isFalse();
            assertThat(md.store().findJob(job)).isPresent();
            try (Connection c = md.database().connection(); Statement s = c.createStatement()) {
                assertThat(versions(s, Migrator.VERSION_TABLE)).isEqualTo(Migrator.load(md.dialect()).size());
                assertThat(versions(s, "log_store_db_migrations")).isEqualTo(
                        dev.cinch.sql.Migrator.load(DbLogStorage.COMPONENT, md.dialect()).size());
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM log_heads WHERE job_id = '" + job.value() + "' AND sealed = 1")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
        }
    }

    private static int versions(Statement s, String table) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The sealed form is the same archive whatever the store: export from db equals export from fs, byte for byte. */
    @Test
    void exportIsByteIdenticalToTheFsStoreForTheSameOptions() {
        Map<String, String> options = Map.of("db.archive-frame-size", "64KiB", "db.archive-level", "5",
                "fs.archive-frame-size", "64KiB", "fs.archive-level", "5");
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(0).bytes(), new Random(7), 4096);
        byte[] fromDb;
        byte[] fromFs;
        JobId job = JobId.of("same-archive");
        try (LogStore db = LogStores.fromClassPath().open(with(config("db"), options));
             LogStore fs = LogStores.fromClassPath().open(with(config("fs"), options))) {
            for (LogStore s : List.of(db, fs)) {
                for (LogChunk c : chunks) {
                    s.append(job, c);
                }
                s.seal(job);
            }
            fromDb = export(db, job);
            fromFs = export(fs, job);
        }
        assertThat(fromDb.length).isGreaterThan(64 * 1024 / 20);
        assertThat(fromDb).isEqualTo(fromFs);
    }

    private CinchConfig with(CinchConfig base, Map<String, String> extra) {
        Map<String, String> all = new java.util.HashMap<>(extra);
        all.put("data-dir", dataDir.toString());
        all.put("log-store", base.logStore());
        return CinchConfig.of(all);
    }

    private static byte[] export(LogStore s, JobId job) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.exportArchive(job, out);
        return out.toByteArray();
    }
}
