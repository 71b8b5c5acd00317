package dev.cinch.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every log command of {@link CinchlogTest} again, with the db store (logs in {@code cinch.db} beside the metadata). */
class DbStoreCinchlogTest extends CinchlogTest {
    @Override
    String storeName() {
        return "db";
    }

    /** The db store's own settings are checked like any other; the flag selects the store as the env var does. */
    @Override
    @Test
    void configErrorsNameTheKeyAndExitTwo() throws Exception {
        Result badLease = run(new byte[0], Map.of("CINCH_DB_WRITER_LEASE", "soon"), "ls");
        assertThat(badLease.code()).isEqualTo(2);
        assertThat(badLease.err()).contains("db.writer-lease");

        Path config = dir.resolve("cinch.yml");
        Files.writeString(config, "db:\n  writer-leas: 10s\n");
        Result typo = run("--config", config.toString(), "ls");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("db.writer-leas").contains("unknown key");

        Path data = dir.resolve("flagged");
        byte[] log = "by flag\n".getBytes(StandardCharsets.UTF_8);
        Result byFlag = runWithEnv(log, Map.of("CINCH_DATA_DIR", data.toString()), "--store", "db", "append", "f1");
        assertThat(byFlag.code()).as(byFlag.err()).isZero();
        assertThat(data.resolve("cinch.db")).isRegularFile();
        assertThat(data.resolve("logs")).doesNotExist();
        assertThat(runWithEnv(new byte[0], Map.of("CINCH_DATA_DIR", data.toString()), "--store", "db", "cat", "f1").out())
                .isEqualTo(log);
    }

    @Test
    void dictTrainTrainsFromSealedLogsOnlyForTheDbStore() {
        Result none = run("dict", "train");
        assertThat(none.code()).as(none.err()).isZero();
        assertThat(none.outText()).contains("no dictionary trained");
        for (int i = 0; i < 8; i++) {
            byte[] log = dev.cinch.logs.testkit.CiLogGenerator.generate(i, 64 * 1024);
            assertThat(run(log, Map.of(), "append", "d" + i, "--chunk-size", "1024").code()).isZero();
            assertThat(run("seal", "d" + i).code()).isZero();
        }
        Result trained = run("dict", "train");
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(trained.outText()).startsWith("trained dictionary 1 (").contains("of 8 sealed logs");
        byte[] more = dev.cinch.logs.testkit.CiLogGenerator.generate(99, 32 * 1024);
        assertThat(run(more, Map.of(), "append", "after", "--chunk-size", "1024").code()).isZero();
        assertThat(run("cat", "after").out()).isEqualTo(more);

        Result fs = run(new byte[0], Map.of("CINCH_LOG_STORE", "fs"), "dict", "train");
        assertThat(fs.code()).isEqualTo(2);
        assertThat(fs.err()).contains("--store db");
    }
}
